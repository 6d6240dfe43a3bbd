import { convergenceRisks, DEFAULT_CLUSTER_CONFIG, type ClusterConfig } from "@driftscope/protocol";
import { renderToStaticMarkup } from "react-dom/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { dashboardStore } from "../store/store.js";
import { ConvergenceWarning } from "./ConvergenceWarning.js";
import { RiskDialog } from "./RiskDialog.js";

const initial = dashboardStore.getState();
const lossy = { ...DEFAULT_CLUSTER_CONFIG, version: 3, network: { ...DEFAULT_CLUSTER_CONFIG.network, lossRate: 1 } } as ClusterConfig;

beforeEach(() => {
  dashboardStore.setState(initial, true);
  // Static rendering reads zustand's server snapshot (the initial state): point it at the current one.
  vi.spyOn(dashboardStore, "getInitialState").mockImplementation(() => dashboardStore.getState());
});
afterEach(() => vi.restoreAllMocks());

describe("ConvergenceWarning", () => {
  it("shows nothing while the live config converges", () => {
    dashboardStore.getState().live.setConfig(DEFAULT_CLUSTER_CONFIG);
    expect(renderToStaticMarkup(<ConvergenceWarning />)).toBe("");
  });

  it("names what keeps the cluster from converging while it is in force, the sentence on hover", () => {
    dashboardStore.getState().live.setConfig(lossy);
    const html = renderToStaticMarkup(<ConvergenceWarning />);
    expect(html).toContain("Cannot converge: 100 % loss");
    expect(html).toContain('data-testid="convergence-warning"');
    expect(html).toContain("no message arrives");
  });

  it("is hidden in a replay (it is about the live cluster)", () => {
    dashboardStore.getState().live.setConfig(lossy);
    dashboardStore.setState({ view: "replay" });
    expect(renderToStaticMarkup(<ConvergenceWarning />)).toBe("");
  });
});

describe("RiskDialog", () => {
  it("lists each held risk in words with Cancel and Apply anyway", () => {
    expect(renderToStaticMarkup(<RiskDialog />)).toBe("");
    dashboardStore.getState().askRisk({ risks: convergenceRisks(lossy, []), keys: ["network.lossRate"] });
    const html = renderToStaticMarkup(<RiskDialog />);
    expect(html).toContain("The cluster will not converge");
    expect(html).toContain("100 % message loss: no message arrives, so replicas cannot converge.");
    expect(html).toContain("Apply anyway");
    expect(html).toContain("Cancel");
  });
});
