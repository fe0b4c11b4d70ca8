import { describe, expect, it } from 'vitest';
import { parseTicketCommand } from '../../../src/app/commands/parse-ticket-command.js';

describe('parseTicketCommand: new', () => {
  it('takes the rest as the request, line breaks and a leading #number included', () => {
    expect(parseTicketCommand('new  #12 exports fail\nsince 9:00')).toEqual({
      ok: true,
      command: { verb: 'new', org: null, text: '#12 exports fail\nsince 9:00' },
    });
    expect(parseTicketCommand('NEW')).toEqual({ ok: true, command: { verb: 'new', org: null, text: '' } });
  });

  it('org="…" is exact; a bare org= leaves the split between name and request to the directory', () => {
    expect(parseTicketCommand('new org="Northwind Bank" exports fail')).toEqual({
      ok: true,
      command: { verb: 'new', org: { exact: 'Northwind Bank' }, text: 'exports fail' },
    });
    expect(parseTicketCommand('new ORG=Northwind Bank exports fail')).toEqual({
      ok: true,
      command: { verb: 'new', org: { leading: 'Northwind Bank exports fail' }, text: '' },
    });
    expect(parseTicketCommand('new org=')).toEqual({
      ok: false,
      message: "org= needs the organization's name.",
    });
    expect(parseTicketCommand('new org="  "')).toEqual({
      ok: false,
      message: "org= needs the organization's name.",
    });
  });
});
