#!/usr/bin/env node
// Committed entry point (the package's bin), so that installing the workspace can link it
// before anything is built; the CLI itself is compiled to dist/ and runs when imported.
import "../dist/cli.js";
