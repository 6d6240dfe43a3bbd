// The auto-tuner's REST face: GET its state; PUT switches it on with a target (or resumes
// it, or changes the target) or off. Switching it is a control action: the operator token
// when one is set.
import { parseMessage, protocolError, TunerRequestSchema } from "@driftscope/protocol";
import express, { type Router } from "express";
import { bearerToken, tokenRefusal } from "../control/auth.js";
import type { TunerRunner } from "../tuner/TunerRunner.js";
import { sendError } from "./errors.js";

export function tunerRouter(deps: { tuner: TunerRunner; operatorToken: string | undefined }): Router {
  const router = express.Router();
  router.get("/api/v1/tuner", (_req, res) => {
    res.json(deps.tuner.state());
  });
  router.put("/api/v1/tuner", express.json({ limit: 16 * 1024 }), (req, res) => {
    const refusal = tokenRefusal(deps.operatorToken, bearerToken(req.get("authorization")), "FORBIDDEN");
    if (refusal !== undefined) {
      sendError(res, protocolError(refusal, `switching the tuner refused: ${refusal === "UNAUTHORIZED" ? "the operator token is required (Authorization: Bearer <token>)" : "the operator token is wrong"}`));
      return;
    }
    const parsed = parseMessage(TunerRequestSchema, req.body, { what: "tuner request" });
    if (!parsed.ok) {
      sendError(res, parsed.error);
      return;
    }
    const result = deps.tuner.set(parsed.value);
    if (!result.ok) {
      sendError(res, protocolError("VALIDATION", `tuner request refused: ${result.path}: ${result.reason}`, { issues: [{ path: result.path, reason: result.reason }] }));
      return;
    }
    res.json(result.state);
  });
  return router;
}
