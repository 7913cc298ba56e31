export type { XaaAgentOptions } from './agent.js';
export { createXaaAgent } from './agent.js';
export type { XaaEnv } from './setup.js';
export { setUpXaaPath, xaaEnvSchema } from './setup.js';
export type { Todo, TodoApiOptions } from './todo-api.js';
export { createTodoApi, startTodoApi } from './todo-api.js';
