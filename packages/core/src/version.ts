// Replaced with the version string of package.json when the package is built (tsup `define`)
// and when it is tested (vitest `define`), so no other field of package.json is bundled.
declare const __ONBEHALF_CORE_VERSION__: string;

/** The version of `@onbehalf/core`, inlined from its package.json when it is built. */
export const VERSION: string = __ONBEHALF_CORE_VERSION__;

/** The `User-Agent` of every request onbehalf sends (RFC 9110 §10.1.5). */
export const USER_AGENT = `onbehalf/${VERSION}`;
