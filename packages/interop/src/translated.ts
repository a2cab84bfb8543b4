/**
 * Loading an annlab index from bytes translated out of a foreign file: the index's own
 * `deserialize` validates everything, and any refusal it raises means the foreign file was
 * damaged or inconsistent, so it is reported as `CORRUPT_DATA` naming that file.
 *
 * @module
 */
import { AnnlabError } from '@annlab/core';

/**
 * Run `load` (an index's `deserialize` over translated bytes); an {@link AnnlabError} it
 * throws becomes `CORRUPT_DATA` prefixed with `what` (the foreign file's description).
 */
export function loadTranslated<I>(what: string, load: () => I): I {
  try {
    return load();
  } catch (e) {
    if (e instanceof AnnlabError) throw new AnnlabError('CORRUPT_DATA', `${what}: ${e.message}`, { cause: e });
    throw e;
  }
}
