/**
 * Credentials written into the free-form parts of a spec: flinkConfiguration, args and labels.
 * Specs are stored and returned in plain text (GET, plan, history, result objects), so a secret
 * written there is a leaked secret. Detection goes by name, the way Flink and its connectors
 * name secret-bearing settings (`s3.secret-key`, `security.ssl.keystore-password`,
 * `sasl.jaas.config`, …), plus URLs that carry a password. A name counts when it ENDS in a
 * secret word, so settings about secrets (`security.delegation.tokens.enabled`, `--token-file`,
 * `--secret-ref`) stay allowed.
 */

/**
 * Name endings that mean "the value is the secret", as words: `fs.s3a.secret.key`, `apiKey` and
 * `api-key` are all `… secret key` / `… api key`.
 */
const SECRET_ENDINGS: readonly (readonly string[])[] = [
  ['password'],
  ['passwd'],
  ['passphrase'],
  ['secret'],
  ['token'],
  ['apikey'],
  ['api', 'key'],
  ['private', 'key'],
  ['secret', 'key'],
  ['encryption', 'key'],
  ['credential'],
  ['credentials'],
  ['jaas', 'config'],
  ['user', 'info'],
  ['auth', 'params'],
];

/** Word pairs that mark a secret wherever they are: Azure's `fs.azure.account.key.<host>`. */
const SECRET_INFIXES: readonly (readonly string[])[] = [['account', 'key']];

/** `fs.oss.accessKeySecret` → `fs oss access key secret`. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

function endsWith(list: readonly string[], ending: readonly string[]): boolean {
  const start = list.length - ending.length;
  return start >= 0 && ending.every((word, index) => list[start + index] === word);
}

function contains(list: readonly string[], infix: readonly string[]): boolean {
  return list.some((_, start) => infix.every((word, index) => list[start + index] === word));
}

/** Whether a setting, flag or label named `name` holds a credential as its value. */
export function namesSecret(name: string): boolean {
  const list = words(name);
  return (
    SECRET_ENDINGS.some((ending) => endsWith(list, ending)) ||
    SECRET_INFIXES.some((infix) => contains(list, infix))
  );
}

/** What to do instead, after the cause: the same remedy wherever a secret is found. */
const REMEDY =
  "specs are stored and shown in plain text, so secrets may not be written inline: give the credential to the cluster (an IAM role, or the cluster's own Flink configuration) or let the job read it from AWS Secrets Manager at runtime";

/** The message for a key (setting or label) that holds a credential. */
export const INLINE_SECRET_KEY_MESSAGE = `looks like a credential; ${REMEDY}`;

/** `scheme://user:password@host`: the password part is there, whatever it is. */
const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i;

/** `-Dname=value` or `--name=value` inside a value, such as `env.java.opts`. */
const ASSIGNMENT = /(?:^|\s)--?(?:D)?([A-Za-z0-9][\w.-]*)=\S/g;

/**
 * What is wrong with a free-form value, if it carries a credential: a URL with a password, or a
 * `-Dname=value` / `--name=value` assignment to a secret-like name. Never quotes the value.
 */
export function inlineSecretInValue(value: string): string | undefined {
  if (URL_WITH_PASSWORD.test(value)) return `contains a URL with a password; ${REMEDY}`;
  for (const match of value.matchAll(ASSIGNMENT))
    if (namesSecret(match[1] ?? ''))
      return `looks like a credential (${match[1] ?? ''}=…); ${REMEDY}`;
  return undefined;
}

const FLAG = /^--?([A-Za-z][\w.-]*)(=(.*))?$/s;

/**
 * The arguments that carry a credential, by index, with what is wrong: `--password=…`,
 * `-Dsasl.jaas.config=…`, a URL with a password, or `--api-key` followed by its value.
 */
export function inlineSecretsInArgs(args: readonly string[]): { index: number; message: string }[] {
  const found: { index: number; message: string }[] = [];
  args.forEach((arg, index) => {
    const flag = FLAG.exec(arg);
    const name = flag?.[1]?.replace(/^D(?=[a-z])/, '');
    const next = args[index + 1];
    if (URL_WITH_PASSWORD.test(arg))
      found.push({ index, message: `contains a URL with a password; ${REMEDY}` });
    else if (
      name !== undefined &&
      namesSecret(name) &&
      (flag?.[2] !== undefined || (next !== undefined && !next.startsWith('-')))
    )
      found.push({
        index,
        message: `looks like a credential (${flag?.[2] === undefined ? `${arg} followed by its value` : `${arg.slice(0, arg.indexOf('='))}=…`}); ${REMEDY}`,
      });
  });
  return found;
}
