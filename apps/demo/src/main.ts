import { demoOutput } from './demo-output.js';
import { runDemo } from './run-demo.js';

const { text, exitCode } = demoOutput(await runDemo());
console.log(text);
process.exitCode = exitCode;
