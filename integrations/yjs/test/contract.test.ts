// The replica-source contract (@driftscope/agent/testing) for Y.Doc sources, with both ways
// of naming origins.
import { replicaSourceContract } from "@driftscope/agent/testing";
import { describe, expect, it } from "vitest";
import { yjsHarness } from "./yjsHarness.js";

replicaSourceContract(yjsHarness("named"), { describe, it, expect });
replicaSourceContract(yjsHarness("client-id"), { describe, it, expect });
