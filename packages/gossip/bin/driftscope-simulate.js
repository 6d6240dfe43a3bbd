#!/usr/bin/env node
// Committed entry point (the package's bin), linked before anything is built; the simulator
// itself is compiled to dist/ and runs when imported.
import "../dist/experiments/simulateCli.js";
