import {
  type AnyAdapter,
  type Client,
  type Credential,
  ExchangeError,
  PolicyRefusalError,
  SubjectTokenRejectedError,
} from '@onbehalf/core';
import { afterEach, expect, vi } from 'vitest';
import { capture, printCredential, printEverything } from './capture.js';
import { demoClient, type TestClock, testClock } from './demo-client.js';
import { type HttpDouble, startAnsweringOrg } from './http-double.js';
import { type LocalOrg, SECOND_USER, signInDemoUser, signInUser } from './local-org.js';
import { recordingFetch } from './recording-fetch.js';

/**
 * An adapter that trades the user's ID token for one vault resource named by its ORN in
 * `resource` (the vaulted-secret and service-account token types of Okta's token exchange), and
 * how a test asks for it with the adapter's own typed `client.exchange` call.
 */
export interface ResourceAdapterCase<A extends AnyAdapter, C extends Credential> {
  /** Builds the adapter under test. */
  readonly adapter: () => A;
  /** The ORN of the demo resource of this type in the default local org. */
  readonly resource: string;
  /** Exchanges `subjectToken` for `resource` through `client`. */
  readonly exchange: (client: Client<A>, subjectToken: string, resource: string) => Promise<C>;
}

/** Names a resource adapter case, inferring its adapter and credential types. */
export function resourceAdapterCase<A extends AnyAdapter, C extends Credential>(
  adapterCase: ResourceAdapterCase<A, C>,
): ResourceAdapterCase<A, C> {
  return adapterCase;
}

/** What an exchange settled with: the rejection, or the credential it unexpectedly returned. */
function settled(attempt: Promise<unknown>): Promise<unknown> {
  return attempt.catch((caught: unknown) => caught);
}

/**
 * Exchanges a freshly signed-in user's ID token for the demo resource at a real local org and
 * checks the one token request (RFC 8693 section 2.1): the org token endpoint, the adapter's
 * `requestedTokenType`, the resource, the ID token as subject, no audience and no scope, and a
 * credential that lives the org's 300 s. Returns the credential for the adapter's own checks.
 */
export async function expectResourceExchange<A extends AnyAdapter, C extends Credential>(
  org: LocalOrg,
  adapterCase: ResourceAdapterCase<A, C>,
  requestedTokenType: string,
): Promise<C> {
  const idToken = await signInDemoUser(org);
  const recorder = recordingFetch();
  const clock = testClock();
  const client = demoClient(org.issuer, [adapterCase.adapter()], {
    fetch: recorder.fetch,
    clock: clock.now,
  });

  const credential = await adapterCase.exchange(client, idToken, adapterCase.resource);

  expect(credential.expiresAt.getTime()).toBe(clock.now() + 300_000);
  const [request] = recorder.calls.filter((call) => call.form.has('grant_type'));
  expect(request?.url).toBe(org.url('/oauth2/v1/token'));
  expect(request?.form.get('requested_token_type')).toBe(requestedTokenType);
  expect(request?.form.getAll('resource')).toEqual([adapterCase.resource]);
  expect(request?.form.get('subject_token')).toBe(idToken);
  expect(request?.form.has('audience')).toBe(false);
  expect(request?.form.has('scope')).toBe(false);
  return credential;
}

/**
 * Runs each of `attempts` (built with the adapter's typed client, so a test can mark a call its
 * types refuse) and checks that each rejects with code `configuration` before any request.
 */
export async function expectRefusedBeforeAnyRequest<A extends AnyAdapter, C extends Credential>(
  org: LocalOrg,
  adapterCase: ResourceAdapterCase<A, C>,
  attempts: (client: Client<A>, subjectToken: string) => ReadonlyArray<() => Promise<unknown>>,
): Promise<void> {
  const recorder = recordingFetch();
  const client = demoClient(org.issuer, [adapterCase.adapter()], { fetch: recorder.fetch });
  const subjectToken = await signInDemoUser(org);
  const before = recorder.calls.length;
  for (const attempt of attempts(client, subjectToken)) {
    await expect(attempt()).rejects.toMatchObject({ code: 'configuration' });
  }
  expect(recorder.calls.length).toBe(before);
}

/**
 * Checks the credential cache with a local org: within its lifetime the credential is reused
 * without a request; once it is due, a new exchange brings a new credential. Returns the new
 * credential for the adapter's own checks.
 */
export async function expectCachedUntilDue<A extends AnyAdapter, C extends Credential>(
  org: LocalOrg,
  adapterCase: ResourceAdapterCase<A, C>,
): Promise<C> {
  const idToken = await signInDemoUser(org);
  const recorder = recordingFetch();
  // The client's clock stays a little behind the org's, so moving it forward by a few seconds
  // never makes an assertion look issued in the future. With a margin of 295 s on a 300 s
  // credential, the cached entry lives 5 s of client time.
  const clock = testClock(Date.now() - 10_000);
  const client = demoClient(org.issuer, [adapterCase.adapter()], {
    fetch: recorder.fetch,
    clock: clock.now,
    cacheMarginSeconds: 295,
  });
  const exchange = () => adapterCase.exchange(client, idToken, adapterCase.resource);
  const exchanges = () => recorder.calls.filter((call) => call.form.has('subject_token'));

  const first = await exchange();
  const requestsAfterFirst = recorder.calls.length;
  const second = await exchange();
  expect(exchanges()).toHaveLength(1);
  expect(recorder.calls).toHaveLength(requestsAfterFirst);
  expect(second).toBe(first);

  clock.advance(4);
  await exchange();
  expect(recorder.calls).toHaveLength(requestsAfterFirst);

  clock.advance(2);
  const third = await exchange();
  expect(exchanges()).toHaveLength(2);
  expect(third).not.toBe(first);
  return third;
}

/**
 * Checks that the cache keeps users apart, with a local org that has {@link SECOND_USER} (see
 * `withSecondUser`): each user's first call is an exchange with their own ID token and later
 * calls with that token are served from the cache; a new sign-in is a new token, so a new
 * exchange; and `evict` forgets every credential of that one user, and only theirs.
 */
export async function expectCachedPerUser<A extends AnyAdapter, C extends Credential>(
  org: LocalOrg,
  adapterCase: ResourceAdapterCase<A, C>,
): Promise<void> {
  const demoToken = await signInDemoUser(org);
  const secondToken = await signInUser(org, SECOND_USER);
  const recorder = recordingFetch();
  const client = demoClient(org.issuer, [adapterCase.adapter()], { fetch: recorder.fetch });
  const subjects = () => recorder.calls.flatMap((call) => call.form.getAll('subject_token'));
  const exchange = (idToken: string) => adapterCase.exchange(client, idToken, adapterCase.resource);

  const forDemo = await exchange(demoToken);
  const forSecond = await exchange(secondToken);
  expect(subjects()).toEqual([demoToken, secondToken]);
  expect(await exchange(demoToken)).toBe(forDemo);
  expect(await exchange(secondToken)).toBe(forSecond);
  expect(subjects()).toHaveLength(2);

  const demoAgain = await signInDemoUser(org);
  await exchange(demoAgain);
  expect(subjects()).toEqual([demoToken, secondToken, demoAgain]);

  await client.evict({ subjectToken: demoToken });
  await exchange(demoToken);
  await exchange(demoAgain);
  expect(await exchange(secondToken)).toBe(forSecond);
  expect(subjects()).toEqual([demoToken, secondToken, demoAgain, demoToken, demoAgain]);
}

/**
 * Exchanges, hits the cache, then fails on a resource the agent has no connection to, and checks
 * that the ID token, the client assertions and `secret` (the vaulted value) appear in no log
 * line, event, error or printed credential, which shows `[redacted]` instead. Returns the
 * credential for the adapter's own checks.
 */
export async function expectNothingEscapes<A extends AnyAdapter, C extends Credential>(
  org: LocalOrg,
  adapterCase: ResourceAdapterCase<A, C>,
  secret: string,
): Promise<C> {
  const idToken = await signInDemoUser(org);
  const recorder = recordingFetch();
  const observed = capture();
  const client = demoClient(org.issuer, [adapterCase.adapter()], {
    fetch: recorder.fetch,
    logger: observed.logger,
    onEvent: observed.onEvent,
  });

  const credential = await adapterCase.exchange(client, idToken, adapterCase.resource);
  await adapterCase.exchange(client, idToken, adapterCase.resource);
  const failure = await settled(adapterCase.exchange(client, idToken, `${adapterCase.resource}0`));
  expect(failure).toMatchObject({ code: 'policy_refused' });

  const assertions = recorder.calls.flatMap((call) => call.form.getAll('client_assertion'));
  const secrets = [idToken, secret, ...assertions];
  expect(assertions).toHaveLength(2);
  expect(observed.events.map((event) => event.type)).toContain('cache.hit');
  expect(observed.events.map((event) => event.type)).toContain('exchange.failed');

  const printed = printEverything(observed, failure, credential);
  for (const value of secrets) expect(printed).not.toContain(value);
  expect(printCredential(credential)).toContain('[redacted]');
  return credential;
}

/**
 * Checks that asking for `resource`, which the org refuses by policy, rejects with a
 * `PolicyRefusalError` carrying OAuth error `invalid_target` (RFC 8707 section 2). Returns the
 * error for further checks.
 */
export async function expectInvalidTarget<A extends AnyAdapter, C extends Credential>(
  org: LocalOrg,
  adapterCase: ResourceAdapterCase<A, C>,
  resource: string,
): Promise<unknown> {
  const client = demoClient(org.issuer, [adapterCase.adapter()]);
  const subjectToken = await signInDemoUser(org);
  const error = await settled(adapterCase.exchange(client, subjectToken, resource));
  expect(error).toBeInstanceOf(PolicyRefusalError);
  expect(error).toMatchObject({ error: 'invalid_target' });
  return error;
}

/**
 * Checks that an expired ID token surfaces as a `SubjectTokenRejectedError` (`invalid_grant`,
 * RFC 8693 section 2.2.2): the user must sign in again.
 */
export async function expectExpiredIdTokenRejected<A extends AnyAdapter, C extends Credential>(
  org: LocalOrg,
  adapterCase: ResourceAdapterCase<A, C>,
): Promise<void> {
  const idToken = await signInDemoUser(org);
  // Two hours pass for the whole process, the org included (ID tokens live one hour). The
  // client is made afterwards, so its default clock is the moved one.
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 2 * 3_600_000 });
  try {
    const client = demoClient(org.issuer, [adapterCase.adapter()]);
    const error = await settled(adapterCase.exchange(client, idToken, adapterCase.resource));
    expect(error).toBeInstanceOf(SubjectTokenRejectedError);
    expect(error).toMatchObject({ code: 'subject_token_rejected', error: 'invalid_grant' });
    expect(org.audit.at(-1)?.reason).toMatch(/expired/i);
  } finally {
    vi.useRealTimers();
  }
}

/**
 * For the tests of what a response must look like: returns a function that starts an org double
 * answering the token request with `body` and exchanges against it, with no cache. Each double is
 * closed after its test.
 */
export function useAnsweringOrg<A extends AnyAdapter, C extends Credential>(
  adapterCase: ResourceAdapterCase<A, C>,
): (body: unknown, clock?: TestClock) => Promise<C> {
  let org: HttpDouble | undefined;
  afterEach(async () => {
    await org?.close();
    org = undefined;
  });
  return async (body, clock = testClock()) => {
    await org?.close();
    org = await startAnsweringOrg(body);
    const client = demoClient(org.origin, [adapterCase.adapter()], {
      cache: false,
      clock: clock.now,
    });
    return adapterCase.exchange(client, 'opaque-subject-token', 'orn:x');
  };
}

/** Checks that an exchange rejects with an `ExchangeError` of code `invalid_response`. */
export async function expectInvalidResponse(attempt: Promise<unknown>): Promise<ExchangeError> {
  const error = await settled(attempt);
  expect(error).toBeInstanceOf(ExchangeError);
  expect(error).toMatchObject({ code: 'invalid_response' });
  return error as ExchangeError;
}
