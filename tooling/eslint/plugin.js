// The repository's own lint rules, registered in the root eslint.config.js as "driftscope/…".
import { importArrows } from "./importArrows.js";

export default {
  meta: { name: "driftscope" },
  rules: { "import-arrows": importArrows },
};
