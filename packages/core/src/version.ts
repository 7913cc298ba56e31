import packageJson from '../package.json' with { type: 'json' };

/** The version of `@onbehalf/core`, taken from its package.json when it is built. */
export const VERSION: string = packageJson.version;

/** The `User-Agent` of every request onbehalf sends. */
export const USER_AGENT = `onbehalf/${VERSION}`;
