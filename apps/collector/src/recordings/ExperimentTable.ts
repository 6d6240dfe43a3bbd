// Experiments kept in the recording file beside the runs, so a restart keeps them (the one
// running then comes back interrupted, its finished points kept).
import type Database from "better-sqlite3";
import type { Experiment, ExperimentStore } from "../experiments/Experiments.js";

export class ExperimentTable implements ExperimentStore {
  constructor(private readonly db: Database.Database) {
    db.exec("CREATE TABLE IF NOT EXISTS experiments (id TEXT PRIMARY KEY, created_at_ms REAL NOT NULL, json TEXT NOT NULL)");
  }

  save(e: Experiment): void {
    this.db.prepare("INSERT OR REPLACE INTO experiments VALUES (?, ?, ?)").run(e.id, e.createdAtMs, JSON.stringify(e));
  }

  list(): Experiment[] {
    return (this.db.prepare("SELECT json FROM experiments ORDER BY created_at_ms").all() as Array<{ json: string }>).map((r) => JSON.parse(r.json) as Experiment);
  }

  delete(id: string): boolean {
    return this.db.prepare("DELETE FROM experiments WHERE id = ?").run(id).changes > 0;
  }
}
