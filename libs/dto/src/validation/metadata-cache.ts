import { getMetadataStorage } from 'class-validator';

/**
 * class-validator looks up a class's rules on every validation by scanning every registered class
 * for inheritance (`MetadataStorage.getTargetValidationMetadatas`: O(classes) per object, ~6 % of
 * the gateway's CPU when clients send 20,000 small commands a second — bench/web-clients.ts
 * `--profile`). The rules only change while decorators run (module load), so the answer is
 * memoized per class and options and forgotten whenever a rule is added. The rules grouped by
 * property (`groupByPropertyName`, also run on every validation) are memoized per looked-up list,
 * which is the same array until a rule is added. Installed once, on import of the validation
 * pipeline.
 */
type Storage = ReturnType<typeof getMetadataStorage>;
type Lookup = Storage['getTargetValidationMetadatas'];
type Added = Storage['addValidationMetadata'];
type Grouped = ReturnType<Storage['groupByPropertyName']>;

const MARK = Symbol.for('hihi.validation-metadata-cache');

export function installValidationMetadataCache(storage: Storage = getMetadataStorage()): void {
  const marked = storage as Storage & { [MARK]?: true };
  if (marked[MARK]) return;
  marked[MARK] = true;
  const lookup: Lookup = storage.getTargetValidationMetadatas.bind(storage);
  const add: Added = storage.addValidationMetadata.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  // keyed by the looked-up list: a list made after a rule was added is a new key
  const groups = new WeakMap<object, Grouped>();
  storage.groupByPropertyName = (metadata) => {
    let found = groups.get(metadata);
    if (!found) groups.set(metadata, (found = group(metadata)));
    return found;
  };
  let cache = new Map<unknown, Map<string, ReturnType<Lookup>>>();
  storage.addValidationMetadata = (metadata) => {
    cache = new Map();
    add(metadata);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0000') ?? ''}`;
    let byKey = cache.get(target);
    if (!byKey) cache.set(target, (byKey = new Map()));
    let found = byKey.get(key);
    if (!found) byKey.set(key, (found = lookup(target, schema, always, strictGroups, groups)));
    return found;
  };
}

installValidationMetadataCache();
