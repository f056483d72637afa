import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { Normalisation } from './identity-rules';

/**
 * The stored form of a raw value. userIds, anonymousIds and `none` types are opaque and
 * case-sensitive, so they are kept exactly as sent.
 */
export function normalise(raw: string, normalisation: Normalisation, phoneCountry: CountryCode | undefined): string {
  switch (normalisation) {
    case 'none':
      return raw;
    case 'trim':
      return raw.trim();
    case 'lowercase':
    case 'email':
      return raw.trim().toLowerCase();
    case 'phone':
      return toE164(raw.trim(), phoneCountry);
  }
}

/** E.164 (`+12025550143`) where the number parses and is possible; otherwise the trimmed text, so equal texts still match. */
function toE164(text: string, country: CountryCode | undefined): string {
  const parsed = parsePhoneNumberFromString(text, country === undefined ? undefined : { defaultCountry: country });
  return parsed !== undefined && parsed.isPossible() ? parsed.number : text;
}
