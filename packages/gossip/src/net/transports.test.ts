import { inMemoryFixture, transportContract, webSocketFixture } from "../testing/index.js";

transportContract("InMemoryNetwork (virtual time)", () => inMemoryFixture(1));
transportContract("InMemoryNetwork with latency and jitter 0", () => inMemoryFixture(2, { latencyMs: 25 }));
transportContract("WebSocketTransport (two processes on 127.0.0.1)", () => webSocketFixture(2));
