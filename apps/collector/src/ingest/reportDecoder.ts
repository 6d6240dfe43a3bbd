// socket.io's packet decoder, with agents' reports read by the ReportScanner instead of one
// JSON.parse of the whole text. A report event on the agent namespace that the scanner takes
// becomes the same packet socket.io would have made, its replica entries carrying their
// vectors packed (metrics/packedVv.ts); everything else, and any report it is unsure of,
// goes through socket.io's own decoder unchanged.
import { AGENT_NAMESPACE } from "@driftscope/protocol";
import { Decoder, Encoder, PacketType } from "socket.io-parser";
import type { OriginNumbers } from "../metrics/packedVv.js";
import { ReportScanner } from "./reportScan.js";

const PREFIX = `${PacketType.EVENT}${AGENT_NAMESPACE},`;
const EVENT = '["report",';

/** A decoded socket.io event packet, as socket.io's decoder makes it. */
interface EventPacket {
  type: number;
  nsp: string;
  id?: number;
  data: [string, object];
}

/** The packet an agent's report event text decodes to, or undefined to leave it to socket.io. */
export function decodeReportPacket(text: string, scanner: ReportScanner): EventPacket | undefined {
  if (!text.startsWith(PREFIX) || text.charCodeAt(text.length - 1) !== 93) return undefined;
  let p = PREFIX.length;
  while (p < text.length && text.charCodeAt(p) >= 48 && text.charCodeAt(p) <= 57) p++;
  const digits = p - PREFIX.length;
  // An acknowledgement id as socket.io reads it: Number of the digits (at most 15 here, so exact).
  if (digits > 15 || !text.startsWith(EVENT, p)) return undefined;
  const report = scanner.scan(text, p + EVENT.length, text.length - 1);
  if (report === undefined) return undefined;
  const packet: EventPacket = { type: PacketType.EVENT, nsp: AGENT_NAMESPACE, data: ["report", report] };
  if (digits > 0) packet.id = Number(text.slice(PREFIX.length, p));
  return packet;
}

/** The `parser` option of the socket.io server: its encoder, and a decoder that reads reports fast. */
export function reportParser(numbers: OriginNumbers): { Encoder: typeof Encoder; Decoder: typeof Decoder } {
  const scanner = new ReportScanner(numbers);
  class ReportDecoder extends Decoder {
    override add(obj: unknown): void {
      if (typeof obj === "string" && (this as unknown as { reconstructor: unknown }).reconstructor == null) {
        let packet: EventPacket | undefined;
        try {
          packet = decodeReportPacket(obj, scanner);
        } catch {
          packet = undefined; // a fault here must not cost the report: socket.io's decoder reads it
        }
        if (packet !== undefined) {
          this.emitReserved("decoded", packet);
          return;
        }
      }
      super.add(obj);
    }
  }
  return { Encoder, Decoder: ReportDecoder };
}
