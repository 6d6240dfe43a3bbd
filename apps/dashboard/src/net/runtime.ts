// The app's one connection and config sender, started once from main.tsx.

import { dashboardStore } from "../store/store.js";
import { createConfigSender, type ConfigSender } from "./configSender.js";
import { connect, type Connection } from "./connection.js";

let connection: Connection | null = null;

/** Sends control edits (debounced) over the app's connection. */
export const configSender: ConfigSender = createConfigSender(dashboardStore, () => connection);

/** Opens the socket (idempotent). */
export function startRuntime(): Connection {
  connection ??= connect(dashboardStore);
  return connection;
}

/** The app's connection, if started. */
export function getConnection(): Connection | null {
  return connection;
}
