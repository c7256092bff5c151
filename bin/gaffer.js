#!/usr/bin/env node
import { main } from '../dist/src/cli/gaffer/main.js';
main(process.argv);
