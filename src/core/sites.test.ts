import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshDb } from '../../test/support/db.ts';
import { SiteDirectory } from './sites.ts';

test('sites are looked up without a query, reloaded at once after a change here and within seconds after one elsewhere', async () => {
  const d = await freshDb('pglite');
  try {
    const add = (code: string, hosts: string[]) =>
      d.db.insertInto('sites').values({ code, name: code, hosts, settings: '{}' }).execute();
    await add('a', ['a.gov.cn']);
    let clock = 1_000_000;
    const sites = new SiteDirectory(d.db, () => clock);
    // one site answers on any host name
    assert.equal((await sites.byHost('elsewhere.example'))?.code, 'a');
    await add('b', ['b.gov.cn', 'www.b.gov.cn']);
    // another instance's new site is not seen until the list is old…
    assert.equal(await sites.byCode('b'), undefined);
    clock += 5_000;
    assert.equal((await sites.byCode('b'))?.code, 'b');
    assert.equal((await sites.byHost('WWW.B.gov.cn'))?.code, 'b', 'host names match case-insensitively');
    assert.equal(await sites.byHost('elsewhere.example'), undefined, 'with two sites an unknown host has none');
    // …this instance's change is seen at once
    await d.db
      .updateTable('sites')
      .set({ hosts: ['new.a.gov.cn'] })
      .where('code', '=', 'a')
      .execute();
    assert.equal((await sites.byHost('new.a.gov.cn'))?.code, undefined);
    sites.changed();
    assert.equal((await sites.byHost('new.a.gov.cn'))?.code, 'a');
    assert.equal((await sites.first())?.code, 'a');
    const b = await sites.byCode('b');
    assert.equal((await sites.byId(b!.id))?.code, 'b');
  } finally {
    await d.close();
  }
});

test('a read that began before a change is not kept', async () => {
  const d = await freshDb('pglite');
  try {
    await d.db.insertInto('sites').values({ code: 'a', name: 'A', hosts: [], settings: '{}' }).execute();
    const sites = new SiteDirectory(d.db);
    const early = sites.all();
    await d.db.updateTable('sites').set({ name: 'A2' }).execute();
    sites.changed();
    await early;
    assert.equal((await sites.byCode('a'))?.name, 'A2');
  } finally {
    await d.close();
  }
});
