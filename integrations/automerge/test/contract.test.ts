// The replica-source contract (@driftscope/agent/testing) for Automerge document sources.
import { replicaSourceContract } from "@driftscope/agent/testing";
import { describe, expect, it } from "vitest";
import { automergeHarness } from "./automergeHarness.js";

replicaSourceContract(automergeHarness, { describe, it, expect });
