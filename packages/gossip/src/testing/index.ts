// @driftscope/gossip/testing: contract suites and fixtures (vitest required).
export { transportContract, type TransportFixture } from "./transportContract.js";
export { inMemoryFixture, webSocketFixture } from "./fixtures.js";
