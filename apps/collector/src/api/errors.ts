// Every HTTP error is an ErrorMessage JSON body with the status of its code, including
// the ones express raises itself (a body too large is a 413 JSON answer, not an HTML page).
import { HTTP_STATUS_BY_CODE, protocolError, type ErrorMessage } from "@driftscope/protocol";
import type { ErrorRequestHandler, Response } from "express";
import type { Logger } from "pino";

/** Answers with `error` and the HTTP status of its code. */
export function sendError(res: Response, error: ErrorMessage): void {
  res.status(HTTP_STATUS_BY_CODE[error.code]).json(error);
}

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
  message?: string;
}

/** Turns body-parser and unexpected errors into ErrorMessage answers; never leaks a stack. */
export function errorHandler(logger: Logger, onReject?: (code: string) => void): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const e = (typeof err === "object" && err !== null ? err : {}) as BodyParserError;
    let error: ErrorMessage;
    switch (e.type) {
      case "entity.too.large":
        error = protocolError("PAYLOAD_TOO_LARGE", `request body larger than ${e.limit ?? "the limit"} bytes`);
        break;
      case "entity.parse.failed":
        error = protocolError("BAD_REQUEST", `invalid JSON: ${e.message ?? "parse error"}`);
        break;
      case "encoding.unsupported":
      case "charset.unsupported":
        error = protocolError("BAD_REQUEST", `unsupported body encoding: ${e.message ?? ""}`);
        break;
      case "request.aborted":
      case "request.size.invalid":
      case "stream.encoding.set":
        error = protocolError("BAD_REQUEST", e.message ?? "malformed request body");
        break;
      default:
        if (typeof e.status === "number" && e.status >= 400 && e.status < 500) {
          error = protocolError("BAD_REQUEST", e.message ?? "bad request");
        } else {
          logger.error({ err }, "HTTP handler failed");
          error = protocolError("INTERNAL", "internal error; nothing was changed");
        }
    }
    onReject?.(error.code);
    sendError(res, error);
  };
}
