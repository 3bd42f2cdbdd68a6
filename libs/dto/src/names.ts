import unhomoglyph from 'unhomoglyph';
import { ValidateBy, ValidationOptions } from 'class-validator';
import { BOT_USERNAMES, DUCK, nameCharsProblem } from '@hihi/contracts';

/*
 * Look-alike names (SPEC §6). Server-only: the Unicode confusables data (~100 KB, from
 * confusables.txt via the unhomoglyph package) stays out of the web client's bundle.
 */

/**
 * The confusable skeleton of Unicode Technical Standard #39 (§4):
 * `skeleton(X) = NFD(map each character of NFD(X) to its prototype)`. Two strings that look alike
 * (`admin` and `аdmin` with a Cyrillic а, `paypal` and `paypaI`) have the same skeleton.
 * Not meant to be shown: `m` becomes `rn`.
 */
export function confusableSkeleton(text: string): string {
  return unhomoglyph(text.normalize('NFD')).normalize('NFD');
}

/**
 * What usernames are unique by, beside their case-insensitive key: the skeleton of the NFKC form,
 * then lower case (the skeleton first, so a capital I still looks like an l).
 */
export function usernameSkeleton(username: string): string {
  return confusableSkeleton(username.normalize('NFKC')).toLowerCase();
}

/** A name reduced to what it looks like, without spaces, punctuation and symbols around letters. */
function lookKey(name: string): string {
  return usernameSkeleton(name).replace(/[\p{Z}\p{P}\p{S}\p{M}\s]/gu, '');
}

const BOT_LOOKS = new Set<string>([...BOT_USERNAMES, DUCK.username, DUCK.displayName].map(lookKey));

/** True when the name is, or looks like, one of the bots' names (`小黄鸭`, `duck`, `Dսck`, `d.u.c.k`). */
export function looksLikeBotName(name: string): boolean {
  return BOT_LOOKS.has(lookKey(name));
}

/** Display-name / room-name policy: characters (see nameCharsProblem) and no bot look-alikes. */
export function nameProblem(name: string, label: string): string | undefined {
  return (
    nameCharsProblem(name, label) ?? (looksLikeBotName(name) ? `${label} must not look like a bot's name` : undefined)
  );
}

/**
 * class-validator rule for display names, nicknames and room names (SPEC §6) → 400 with the
 * reason. Use after IsString/Length; the message names the property.
 */
export function IsSafeName(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSafeName',
      validator: {
        validate: (value: unknown, args) =>
          typeof value === 'string' && nameProblem(value, args?.property ?? 'name') === undefined,
        defaultMessage: (args) =>
          (typeof args?.value === 'string' && nameProblem(args.value, args.property)) || `${args?.property} is invalid`,
      },
    },
    options,
  );
}

/**
 * class-validator rule for free text held to the display-name character rules without the bot
 * look-alike check (moderation reasons and notes, SPEC §8): no control, bidi, zero-width or other
 * invisible formatting characters, and something visible → 400 with the reason.
 */
export function IsSafeText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSafeText',
      validator: {
        validate: (value: unknown, args) =>
          typeof value === 'string' && nameCharsProblem(value, args?.property ?? 'text') === undefined,
        defaultMessage: (args) =>
          (typeof args?.value === 'string' && nameCharsProblem(args.value, args.property)) ||
          `${args?.property} is invalid`,
      },
    },
    options,
  );
}
