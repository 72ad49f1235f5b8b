-- The closest stand-in for Citus on one PostgreSQL (issue 18): every tenant table of the current
-- schema becomes `PARTITION BY HASH (tenant_id)` with four partitions, keeping its columns,
-- identity, keys, indexes, triggers and the foreign keys that point at it. A tenant table is one
-- with a NOT NULL tenant_id, but for `users` (kept on the Citus coordinator, docs/scaling.md).
-- PostgreSQL asks of a partitioned table what Citus asks of a distributed one: every primary and
-- unique key includes the partition column. Run by the test harness after the migrations when
-- HUZHU_TEST_PG_PARTITIONED=1; the rows there are moved over (a fresh schema has none).
CREATE FUNCTION huzhu_partition_by_tenant(t TEXT, parts INTEGER) RETURNS VOID
LANGUAGE plpgsql AS $$
DECLARE
    rel       OID := to_regclass(quote_ident(t));
    cons      TEXT[];
    idx       TEXT[];
    trg       TEXT[];
    incoming  TEXT[];
    d         TEXT;
    r         RECORD;
    seq       TEXT;
    i         INTEGER;
BEGIN
    -- What the table has, as DDL, before it is renamed.
    SELECT COALESCE(array_agg(format('ALTER TABLE %I ADD CONSTRAINT %I %s', t, conname,
               pg_get_constraintdef(oid)) ORDER BY contype DESC, conname), '{}')
      INTO cons FROM pg_constraint WHERE conrelid = rel AND contype IN ('p', 'u', 'c', 'f')
       AND conparentid = 0;
    SELECT COALESCE(array_agg(pg_get_indexdef(indexrelid)), '{}') INTO idx FROM pg_index
     WHERE indrelid = rel AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = indexrelid
                                          AND conrelid = rel);
    SELECT COALESCE(array_agg(pg_get_triggerdef(oid)), '{}') INTO trg FROM pg_trigger
     WHERE tgrelid = rel AND NOT tgisinternal;
    FOR r IN SELECT conrelid::regclass AS src, conname, pg_get_constraintdef(oid) AS def
               FROM pg_constraint WHERE confrelid = rel AND contype = 'f' AND conrelid <> rel
                AND conparentid = 0 LOOP
        incoming := incoming || format('ALTER TABLE %s ADD CONSTRAINT %I %s', r.src, r.conname,
                                       r.def);
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.src, r.conname);
    END LOOP;

    EXECUTE format('ALTER TABLE %I RENAME TO %I', t, t || '__heap');
    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING IDENTITY '
                   'INCLUDING GENERATED) PARTITION BY HASH (tenant_id)', t, t || '__heap');
    FOR i IN 0 .. parts - 1 LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES WITH (MODULUS %s, '
                       'REMAINDER %s)', t || '_p' || i, t, parts, i);
    END LOOP;
    EXECUTE format('INSERT INTO %I SELECT * FROM %I', t, t || '__heap');
    EXECUTE format('DROP TABLE %I', t || '__heap');
    IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass(quote_ident(t))
               AND attname = 'id' AND attidentity <> '') THEN
        seq := pg_get_serial_sequence(quote_ident(t), 'id');
        EXECUTE format('SELECT setval(%L, COALESCE((SELECT MAX(id) FROM %I), 0) + 1, false)',
                       seq, t);
    END IF;
    FOREACH d IN ARRAY cons LOOP EXECUTE d; END LOOP;
    FOREACH d IN ARRAY idx LOOP EXECUTE d; END LOOP;
    FOREACH d IN ARRAY trg LOOP EXECUTE d; END LOOP;
    FOREACH d IN ARRAY COALESCE(incoming, '{}') LOOP EXECUTE d; END LOOP;
END;
$$;

SELECT huzhu_partition_by_tenant(c.relname::TEXT, 4)
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id'
 WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND a.attnotnull
   AND c.relname NOT IN ('users')
 ORDER BY c.relname;

DROP FUNCTION huzhu_partition_by_tenant(TEXT, INTEGER);
