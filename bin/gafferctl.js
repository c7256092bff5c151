#!/usr/bin/env node
import { main } from '../dist/src/cli/gafferctl/main.js';
main(process.argv);
