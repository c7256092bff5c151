// Echoes stdin back line by line (try: curl -XPOST -d $'hello\n' localhost:5000/streams/<pid>/stdin).
import { createInterface } from 'node:readline';
createInterface({ input: process.stdin }).on('line', (line) => console.log(line));
