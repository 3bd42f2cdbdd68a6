import { plainToInstance, Type } from 'class-transformer';
import { getMetadataStorage, IsInt, IsString, ValidateNested, validateSync } from 'class-validator';
import * as dtos from '../index';
import { isTransformFree, validatePayload, validationMessages, VALIDATOR_OPTIONS } from './validate';

type Cls = new () => object;

/** What validatePayload answered before its plain-instance shortcut: plainToInstance, then validateSync. */
function reference(cls: Cls, value: object): string[] | 'ok' {
  const instance = plainToInstance(cls, value, { enableImplicitConversion: false });
  const errors = validateSync(instance, VALIDATOR_OPTIONS);
  return errors.length ? validationMessages(errors) : 'ok';
}

function answer(cls: Cls, value: object): string[] | 'ok' {
  const v = validatePayload(cls, value);
  return v.ok ? 'ok' : v.message.split('; ');
}

/** Every DTO class of @hihi/dto that has validation rules. */
const classes = Object.entries(dtos).filter(
  (e): e is [string, Cls] =>
    typeof e[1] === 'function' && getMetadataStorage().getTargetValidationMetadatas(e[1], '', false, false).length > 0,
);

const SAMPLES: unknown[] = [
  '',
  'x',
  'r_abcdef',
  'a'.repeat(300),
  'duck 小黄鸭',
  0,
  1,
  -1,
  1.5,
  2 ** 40,
  true,
  false,
  null,
];

/** A small deterministic generator (the same payloads every run). */
function* payloads(props: string[], n: number): Generator<Record<string, unknown>> {
  let seed = 42;
  const rnd = (k: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % k;
  for (let i = 0; i < n; i++) {
    const p: Record<string, unknown> = {};
    for (const prop of props) if (rnd(4)) p[prop] = SAMPLES[rnd(SAMPLES.length)];
    if (rnd(10) === 0) p.extra = 'x';
    if (rnd(20) === 0) p['toString'] = 'x';
    yield p;
  }
}

describe('validatePayload', () => {
  it('has DTO classes to check, most of them without transformer decorators', () => {
    expect(classes.length).toBeGreaterThan(20);
    expect(classes.filter(([, c]) => isTransformFree(c)).length).toBeGreaterThan(10);
  });

  it.each(classes)('answers %s exactly as plainToInstance + validateSync do', (_name, cls) => {
    const props = [
      ...new Set(
        getMetadataStorage()
          .getTargetValidationMetadatas(cls, '', false, false)
          .map((m) => m.propertyName),
      ),
    ];
    for (const p of payloads(props, 150)) expect(answer(cls, p)).toEqual(reference(cls, p));
  });

  it('leaves classes with transformer decorators and nested values to plainToInstance', () => {
    class Inner {
      @IsInt()
      n!: number;
    }
    class Outer {
      @IsString()
      name!: string;
      @ValidateNested()
      @Type(() => Inner)
      inner!: Inner;
    }
    class Flat {
      @IsString()
      name!: string;
    }
    expect(isTransformFree(Outer)).toBe(false);
    expect(isTransformFree(Flat)).toBe(true);
    // nested: validated as an Inner (plainToInstance), so its rule applies
    expect(validatePayload(Outer, { name: 'a', inner: { n: 1.5 } })).toEqual({
      ok: false,
      message: expect.any(String),
    });
    const ok = validatePayload(Outer, { name: 'a', inner: { n: 1 } });
    expect(ok.ok && ok.value.inner).toBeInstanceOf(Inner);
    // flat: an instance of the class, with the payload's fields
    const flat = validatePayload(Flat, { name: 'duck' });
    expect(flat.ok && flat.value).toBeInstanceOf(Flat);
    expect(flat.ok && flat.value.name).toBe('duck');
    expect(validatePayload(Flat, { name: 'duck', more: 1 }).ok).toBe(false);
  });
});
