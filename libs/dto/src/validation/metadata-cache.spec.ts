import { IsInt, IsString, MaxLength, getMetadataStorage, registerDecorator, validateSync } from 'class-validator';
import { installValidationMetadataCache } from './metadata-cache';
import { VALIDATOR_OPTIONS } from './validate';

class Base {
  @IsString()
  @MaxLength(5)
  name!: string;
}

class Child extends Base {
  @IsInt()
  count!: number;
}

function make<T extends object>(cls: new () => T, fields: Partial<T>): T {
  return Object.assign(new cls(), fields);
}

describe('validation metadata cache', () => {
  it('is installed once and answers what class-validator answers, inherited rules included', () => {
    const storage = getMetadataStorage();
    installValidationMetadataCache(storage); // a second install is a no-op
    const first = storage.getTargetValidationMetadatas(Child, '', false, false);
    expect(storage.getTargetValidationMetadatas(Child, '', false, false)).toBe(first);
    expect(first.map((m) => m.propertyName).sort()).toEqual(['count', 'name', 'name']);
    expect(validateSync(make(Child, { name: 'toolong', count: 1 }), VALIDATOR_OPTIONS)).toHaveLength(1);
    expect(validateSync(make(Child, { name: 'ok', count: 1.5 }), VALIDATOR_OPTIONS)).toHaveLength(1);
    expect(validateSync(make(Child, { name: 'ok', count: 1 }), VALIDATOR_OPTIONS)).toHaveLength(0);
  });

  it('forgets what it knew when a rule is added later', () => {
    class Late {
      @IsString()
      word!: string;
    }
    expect(validateSync(make(Late, { word: 'duck' }), VALIDATOR_OPTIONS)).toHaveLength(0);
    registerDecorator({
      name: 'notDuck',
      target: Late,
      propertyName: 'word',
      validator: { validate: (v: unknown) => v !== 'duck' },
    });
    expect(validateSync(make(Late, { word: 'duck' }), VALIDATOR_OPTIONS)).toHaveLength(1);
  });

  it('keeps groups apart', () => {
    class Grouped {
      @IsString({ groups: ['a'] })
      word!: string;
    }
    const storage = getMetadataStorage();
    expect(storage.getTargetValidationMetadatas(Grouped, '', false, false, ['a'])).toHaveLength(1);
    expect(storage.getTargetValidationMetadatas(Grouped, '', false, false, ['b'])).toHaveLength(0);
  });
});
