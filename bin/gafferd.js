#!/usr/bin/env node
import { main } from '../dist/src/cli/gafferd/main.js';
await main(process.argv);
