import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { CommandName, CommandRow, PROTOCOL, SERVER_EVENTS, SOCKET_COMMANDS } from '@hihi/contracts';
import { COMMAND_DTOS } from './commands';
import { EmptyDto } from './validation';

const doc = readFileSync(join(__dirname, '../../../docs/protocol.md'), 'utf8');

/** The rows of the markdown table whose header row is `header`. */
function table(header: string): string[][] {
  const lines = doc.split('\n');
  const start = lines.findIndex((l) => l.trim() === header);
  if (start < 0) throw new Error(`no table starting with ${header}`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim()),
    );
  }
  return rows;
}

const code = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
const rows = Object.entries(PROTOCOL) as [CommandName, CommandRow][];

/** The fields a DTO class declares, `name?` for optional ones, from class-validator's metadata. */
function dtoFields(cls: new () => object): string[] {
  const metas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  const names = [...new Set(metas.map((m) => m.propertyName))];
  const optional = new Set(metas.filter((m) => m.type === 'conditionalValidation').map((m) => m.propertyName));
  return names.map((n) => (optional.has(n) ? `${n}?` : n));
}

describe('docs/protocol.md matches the protocol table', () => {
  it('"The protocol table" lists every command with its entry, pattern, DTO and emitted events', () => {
    const documented = table('| command | comes in as | bus pattern | DTO | may emit |').map(
      ([command, entry, pattern, dto, emits]) => ({
        command: code(command)[0],
        entry: entry.startsWith('socket') ? `socket ${code(entry)[0]}` : code(entry)[0],
        pattern: code(pattern)[0] ?? null,
        dto: code(dto)[0],
        emits: code(emits),
      }),
    );
    const expected = rows.map(([name, row]) => ({
      command: name,
      entry: row.event ? `socket ${row.event}` : row.http,
      pattern: row.pattern ?? null,
      dto: row.dto,
      emits: [...row.emits],
    }));
    expect(documented).toEqual(expected);
  });

  it('the client → server table lists the socket commands, with the DTO fields as payload', () => {
    const fields = (payload: string) =>
      payload
        .replace(/^\{\s*|\s*\}$/g, '')
        .split(/,\s*/)
        .sort();
    const documented = table('| event | payload | ack on success |').map(([event, payload]) => ({
      event: code(event)[0],
      payload: fields(code(payload)[0]),
    }));
    const expected = SOCKET_COMMANDS.map((name) => ({
      event: PROTOCOL[name].event,
      payload: dtoFields(COMMAND_DTOS[name]).sort(),
    }));
    expect(documented).toEqual(expected);
  });

  it('the server → client table lists every server event', () => {
    const documented = table('| event | payload |').map(([event]) => code(event)[0]);
    expect(documented.sort()).toEqual(Object.values(SERVER_EVENTS).sort());
  });
});

describe('COMMAND_DTOS', () => {
  it('holds, for every row, the DTO class the row names', () => {
    for (const [name, row] of rows) expect([name, COMMAND_DTOS[name].name]).toEqual([name, row.dto]);
  });

  it('gives every socket command a DTO with fields (EmptyDto is for bus-only commands)', () => {
    for (const name of SOCKET_COMMANDS) expect(COMMAND_DTOS[name]).not.toBe(EmptyDto);
  });
});
