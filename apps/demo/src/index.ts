export type { DemoReport } from './run-demo.js';
export { runDemo } from './run-demo.js';
