#!/usr/bin/env node
import { main } from '../dist/src/cli/gaffer_lookupd/main.js';
main(process.argv);
