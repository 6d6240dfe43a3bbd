import { fidelitySuite } from "./fidelity.suite.js";

fidelitySuite("push-pull");
