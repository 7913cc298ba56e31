export type { DemoOutput } from './demo-output.js';
export { demoOutput } from './demo-output.js';
export type { DemoOptions, DemoReport } from './run-demo.js';
export { runDemo } from './run-demo.js';
