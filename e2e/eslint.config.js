import root from "../eslint.config.js";

export default [...root, { languageOptions: { globals: { document: "readonly", window: "readonly" } } }];
