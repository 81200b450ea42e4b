"""Team mode's functions and triggers on PostgreSQL (ADR 0024): the layer sets the policies use,
the change feed's and change log's guards, the workload notices, the state functions (claim,
finish, curate, leave, claim next: SECURITY DEFINER, run as the owner, checking
``session_user``) and the gold layer's hold. Split from :mod:`.team_sql`, which keeps the
roles and the names the rest of the app shares; :mod:`.team_policies` runs these with the
grants and policies.
"""

from __future__ import annotations

from annotator.store.team_sql import (
    CURATION_NOT_HELD,
    CURATION_TAKEN,
    DOCUMENT_FULL,
    MANAGERS_ONLY,
    OTHERS_LAYERS_KEY,
    PER_DOCUMENT_KEY,
    TEAM_CHANNEL,
    TeamRoles,
    literal,
)

_WORKLOAD_TRIGGERS = (
    ("assignments", "team_assignments_changed"),
    ("document_status", "team_statuses_changed"),
)


def is_member(roles: TeamRoles, group: str, who: str = "current_user") -> str:
    """SQL: whether ``who`` is a member of the team's ``group``."""
    return f"pg_has_role({who}, {literal(roles.group(group))}, 'MEMBER')"


def functions(roles: TeamRoles) -> list[str]:
    """The layer-set functions the policies use (SECURITY INVOKER: ``current_user`` is the
    person) and the state functions (SECURITY DEFINER, run as the owner)."""
    pinned = "SET search_path = pg_catalog, public, pg_temp"  # pg_temp last: never first
    others = (
        f"EXISTS (SELECT 1 FROM project_meta m WHERE m.key = {literal(OTHERS_LAYERS_KEY)} "
        "AND m.value = 'readable')"
    )
    return [
        f"""CREATE OR REPLACE FUNCTION team_readable_layers() RETURNS SETOF integer
LANGUAGE sql STABLE {pinned} AS $$
  SELECT a.id FROM annotators a
  WHERE a.login_role = current_user::text OR {is_member(roles, "curator")}
     OR ({is_member(roles, "annotator")} AND {others})
$$""",
        f"""CREATE OR REPLACE FUNCTION team_writable_layers() RETURNS SETOF integer
LANGUAGE sql STABLE {pinned} AS $$
  SELECT a.id FROM annotators a
  WHERE a.login_role = current_user::text OR (a.kind = 'gold' AND {is_member(roles, "curator")})
$$""",
        f"""CREATE OR REPLACE FUNCTION team_changes_since(since bigint)
RETURNS TABLE (seq bigint, doc_id integer)
LANGUAGE sql STABLE SECURITY DEFINER {pinned} AS $$
  SELECT DISTINCT c.seq::bigint, c.doc_id FROM change_log c WHERE c.seq > since
  ORDER BY 1, 2
$$""",
        f"""CREATE OR REPLACE FUNCTION team_feed_only_counts() RETURNS trigger
LANGUAGE plpgsql {pinned} AS $$
BEGIN
  IF NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1 THEN
    RAISE EXCEPTION USING ERRCODE = '42501',
      MESSAGE = 'the change feed only counts up, one number per write transaction';
  END IF;
  RETURN NEW;
END $$""",
        "DROP TRIGGER IF EXISTS team_feed_only_counts ON change_feed",
        "CREATE TRIGGER team_feed_only_counts BEFORE UPDATE ON change_feed "
        "FOR EACH ROW EXECUTE FUNCTION team_feed_only_counts()",
        f"""CREATE OR REPLACE FUNCTION team_log_of_no_layer() RETURNS trigger
LANGUAGE plpgsql {pinned} AS $$
BEGIN
  IF NEW.annotator IS NULL AND NOT {is_member(roles, "manager")}
     AND current_user::text <> {literal(roles.owner)} THEN
    RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = {literal(MANAGERS_ONLY)};
  END IF;
  RETURN NEW;
END $$""",
        "DROP TRIGGER IF EXISTS team_log_of_no_layer ON change_log",
        "CREATE TRIGGER team_log_of_no_layer BEFORE INSERT ON change_log "
        "FOR EACH ROW EXECUTE FUNCTION team_log_of_no_layer()",
        f"""CREATE OR REPLACE FUNCTION team_workload_changed() RETURNS trigger
LANGUAGE plpgsql {pinned} AS $$
BEGIN
  PERFORM pg_notify({literal(TEAM_CHANNEL)}, '');
  RETURN NULL;
END $$""",
        *(
            statement
            for table, trigger in _WORKLOAD_TRIGGERS
            for statement in (
                f"DROP TRIGGER IF EXISTS {trigger} ON {table}",
                f"CREATE TRIGGER {trigger} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION team_workload_changed()",
            )
        ),
        *_state_functions(roles, pinned),
        *_gold_hold(roles, pinned),
    ]


HOLD_STALE = "2 hours"
"""A curation hold not renewed for this long no longer counts (``team_curate``'s default)."""
# the tables whose rows belong to one document's layer (event arguments: through their event)
_HELD_TABLES = ("spans", "events", "relations", "document_status", "event_arguments")


def _gold_hold(roles: TeamRoles, pinned: str) -> list[str]:
    """A row of a document's gold layer is written only by the curator who holds it
    (``team_curate``): statement-level AFTER triggers look at the rows the statement wrote
    (transition tables, one trigger per event, as PostgreSQL asks) and raise
    :data:`CURATION_TAKEN` naming the holder when another curator holds the document (a hold
    fresher than :data:`HOLD_STALE`), else :data:`CURATION_NOT_HELD` when the writer holds no
    curation of it (a document the same transaction added, as a merge does, needs no hold:
    no one else sees it yet); raising undoes the statement. Two queries per statement at
    most, not per row. Managers may still delete (deleting a document deletes every layer);
    superusers are not checked."""
    held = (
        "a.state = 'curating' AND a.login_role <> session_user::text "
        f"AND a.updated_at >= now() - interval '{HOLD_STALE}'"
    )
    # held by the writer, or a document this transaction added (a merge's): nobody else can
    # see it to hold it (asked only of the rows the first check leaves)
    mine = (
        "NOT EXISTS (SELECT 1 FROM assignments h WHERE h.doc_id = {d} AND h.annotator_id = l.id "
        "AND h.state = 'curating' AND h.login_role = session_user::text) "
        "AND NOT EXISTS (SELECT 1 FROM documents n WHERE n.id = {d} AND n.xmin = "
        "(pg_current_xact_id()::text::numeric % 4294967296)::text::xid)"
    )
    out = [
        f"""CREATE OR REPLACE FUNCTION team_gold_held() RETURNS trigger
LANGUAGE plpgsql {pinned} AS $$
DECLARE holder text; who text; doc integer;
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)
     OR (TG_OP = 'DELETE' AND {is_member(roles, "manager", "session_user")}) THEN
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'event_arguments' THEN
    SELECT a.login_role, a.doc_id INTO holder, doc FROM changed c
    JOIN events e ON e.id = c.event_id
    JOIN assignments a ON a.doc_id = e.doc_id AND a.annotator_id = e.annotator_id
    WHERE {held} LIMIT 1;
  ELSE
    SELECT a.login_role, a.doc_id INTO holder, doc FROM changed c
    JOIN assignments a ON a.doc_id = c.doc_id AND a.annotator_id = c.annotator_id
    WHERE {held} LIMIT 1;
  END IF;
  IF holder IS NOT NULL THEN
    SELECT name INTO who FROM annotators WHERE login_role = holder;
    RAISE EXCEPTION USING ERRCODE = '{CURATION_TAKEN}',
      MESSAGE = format('%s (login %s) is curating document %s', coalesce(who, holder), holder,
                       doc);
  END IF;
  -- a gold row of a document whose curation the writer does not hold (or has finished)
  IF TG_TABLE_NAME = 'event_arguments' THEN
    SELECT e.doc_id INTO doc FROM changed c JOIN events e ON e.id = c.event_id
    JOIN annotators l ON l.id = e.annotator_id AND l.kind = 'gold'
    WHERE {mine.format(d="e.doc_id")} LIMIT 1;
  ELSE
    SELECT c.doc_id INTO doc FROM changed c
    JOIN annotators l ON l.id = c.annotator_id AND l.kind = 'gold'
    WHERE {mine.format(d="c.doc_id")} LIMIT 1;
  END IF;
  IF doc IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = '{CURATION_NOT_HELD}',
      MESSAGE = format('%s does not hold the curation of document %s', session_user, doc);
  END IF;
  RETURN NULL;
END $$""",
    ]
    for table in _HELD_TABLES:
        for event, rows in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            name = f"team_gold_held_{event.lower()}"
            out.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            out.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {rows} TABLE AS "
                "changed FOR EACH STATEMENT EXECUTE FUNCTION team_gold_held()"
            )
    return out


def _own_layer(variable: str) -> str:
    return f"""SELECT id INTO {variable} FROM annotators WHERE login_role = session_user::text;
  IF {variable} IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = '42501',
      MESSAGE = format('the login %s has no layer in this project', session_user);
  END IF;"""


_LOCK_DOCUMENT = """PERFORM 1 FROM documents WHERE id = doc FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'P0002', MESSAGE = format('no document has id %s', doc);
  END IF;"""


def _state_functions(roles: TeamRoles, pinned: str) -> list[str]:
    definer = f"LANGUAGE plpgsql SECURITY DEFINER {pinned}"
    return [
        f"""CREATE OR REPLACE FUNCTION team_claim(doc integer) RETURNS text {definer} AS $$
DECLARE me integer; taken integer; most integer; state_now text;
BEGIN
  {_own_layer("me")}
  {_LOCK_DOCUMENT}
  SELECT a.state INTO state_now FROM assignments a WHERE a.doc_id = doc AND a.annotator_id = me;
  IF state_now IS NOT NULL THEN
    IF state_now IN ('assigned', 'finished') THEN  -- finished: reopened, the person's again
      UPDATE assignments SET state = 'claimed', updated_at = now()
      WHERE doc_id = doc AND annotator_id = me;
      RETURN 'claimed';
    END IF;
    RETURN state_now;
  END IF;
  SELECT count(*) INTO taken FROM assignments a JOIN annotators l ON l.id = a.annotator_id
  WHERE a.doc_id = doc AND l.kind <> 'gold';
  SELECT coalesce(max(m.value)::integer, 1) INTO most FROM project_meta m
  WHERE m.key = {literal(PER_DOCUMENT_KEY)};
  IF taken >= most THEN
    RAISE EXCEPTION USING ERRCODE = '{DOCUMENT_FULL}',
      MESSAGE = format('document %s already has %s of %s people', doc, taken, most);
  END IF;
  INSERT INTO assignments (doc_id, annotator_id, login_role, state, assigned_by, updated_at)
  VALUES (doc, me, session_user::text, 'claimed', session_user::text, now());
  RETURN 'claimed';
END $$""",
        # team_finish(integer) of earlier set-ups: with the new default it would be ambiguous
        "DROP FUNCTION IF EXISTS team_finish(integer)",
        f"""CREATE OR REPLACE FUNCTION team_finish(doc integer, gold boolean DEFAULT false)
RETURNS text {definer} AS $$
DECLARE layer integer;
BEGIN
  -- one row: the caller's own layer's claim or assignment on the document, or (gold) the
  -- curation of its gold layer that the caller holds; never both
  IF gold THEN
    SELECT a.annotator_id INTO layer FROM assignments a JOIN annotators l
      ON l.id = a.annotator_id AND l.kind = 'gold'
    WHERE a.doc_id = doc AND a.login_role = session_user::text;
    IF layer IS NULL THEN
      RAISE EXCEPTION USING ERRCODE = '42501',
        MESSAGE = format('%s holds no curation of document %s', session_user, doc);
    END IF;
  ELSE
    SELECT a.annotator_id INTO layer FROM assignments a JOIN annotators l
      ON l.id = a.annotator_id AND l.kind <> 'gold'
    WHERE a.doc_id = doc AND l.login_role = session_user::text;
    IF layer IS NULL THEN
      RAISE EXCEPTION USING ERRCODE = '42501',
        MESSAGE = format('%s works on no layer of document %s', session_user, doc);
    END IF;
  END IF;
  UPDATE assignments SET state = 'finished', updated_at = now()
  WHERE doc_id = doc AND annotator_id = layer AND state <> 'finished';
  RETURN 'finished';
END $$""",
        # team_curate(integer) of earlier set-ups: with the new default it would be ambiguous
        "DROP FUNCTION IF EXISTS team_curate(integer)",
        f"""CREATE OR REPLACE FUNCTION team_curate(
  doc integer, stale interval DEFAULT '{HOLD_STALE}') RETURNS text {definer} AS $$
DECLARE gold integer; holder text; state_now text; held_at timestamptz;
BEGIN
  IF NOT {is_member(roles, "curator", "session_user")} THEN
    RAISE EXCEPTION USING ERRCODE = '42501',
      MESSAGE = format('%s is not a curator, so it cannot curate', session_user);
  END IF;
  {_LOCK_DOCUMENT}
  SELECT id INTO gold FROM annotators WHERE kind = 'gold';
  IF gold IS NULL THEN
    INSERT INTO annotators (name, kind, uid, created_at)
    VALUES ('gold', 'gold', md5(random()::text || clock_timestamp()::text), now())
    RETURNING id INTO gold;
  END IF;
  SELECT a.login_role, a.state, a.updated_at INTO holder, state_now, held_at FROM assignments a
  WHERE a.doc_id = doc AND a.annotator_id = gold;
  IF holder IS NULL THEN
    INSERT INTO assignments (doc_id, annotator_id, login_role, state, assigned_by, updated_at)
    VALUES (doc, gold, session_user::text, 'curating', session_user::text, now());
  ELSIF holder <> session_user::text AND state_now = 'curating' AND held_at >= now() - stale THEN
    -- a hold its window has not renewed for `stale` (crashed, or lost the server) is taken over
    RAISE EXCEPTION USING ERRCODE = '{CURATION_TAKEN}',
      MESSAGE = format('%s is curating document %s', holder, doc);
  ELSE
    UPDATE assignments SET login_role = session_user::text, state = 'curating',
      updated_at = now() WHERE doc_id = doc AND annotator_id = gold;
  END IF;
  RETURN 'curating';
END $$""",
        f"""CREATE OR REPLACE FUNCTION team_leave_curation(doc integer) RETURNS boolean {definer}
AS $$
BEGIN
  -- the login's hold on the document's gold layer ends (it left review mode); a finished
  -- curation is kept, and so is another curator's
  DELETE FROM assignments a USING annotators l
  WHERE a.doc_id = doc AND l.id = a.annotator_id AND l.kind = 'gold'
    AND a.login_role = session_user::text AND a.state = 'curating';
  RETURN FOUND;
END $$""",
        f"""CREATE OR REPLACE FUNCTION team_claim_next(stale interval DEFAULT '2 hours')
RETURNS integer {definer} AS $$
DECLARE me integer; most integer; taken integer; doc integer; after integer := 0;
BEGIN
  {_own_layer("me")}
  -- a claim nobody touched for `stale` is abandoned: the document goes back to the pool
  DELETE FROM assignments a USING annotators l
  WHERE l.id = a.annotator_id AND l.kind <> 'gold' AND a.state = 'claimed'
    AND a.annotator_id <> me AND a.updated_at < now() - stale;
  -- a claim whose layer I marked done is finished (Mark done's finish, a transaction of its
  -- own, was lost with the server): it is not given back as still mine
  UPDATE assignments a SET state = 'finished', updated_at = now() FROM document_status s
  WHERE a.annotator_id = me AND a.state IN ('assigned', 'claimed') AND s.doc_id = a.doc_id
    AND s.annotator_id = me AND s.status = 'done';
  -- a document assigned to me, or claimed and not finished, comes first
  SELECT a.doc_id INTO doc FROM assignments a
  WHERE a.annotator_id = me AND a.state IN ('assigned', 'claimed') ORDER BY a.doc_id LIMIT 1;
  IF doc IS NOT NULL THEN
    UPDATE assignments SET state = 'claimed', updated_at = now()
    WHERE doc_id = doc AND annotator_id = me;
    RETURN doc;
  END IF;
  SELECT coalesce(max(m.value)::integer, 1) INTO most FROM project_meta m
  WHERE m.key = {literal(PER_DOCUMENT_KEY)};
  LOOP
    -- the next document not mine that looks open, skipping those another claim holds now
    SELECT d.id INTO doc FROM documents d
    WHERE d.id > after
      AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.doc_id = d.id AND a.annotator_id = me)
      AND (SELECT count(*) FROM assignments a JOIN annotators l ON l.id = a.annotator_id
           WHERE a.doc_id = d.id AND l.kind <> 'gold') < most
    ORDER BY d.id LIMIT 1 FOR UPDATE OF d SKIP LOCKED;
    IF doc IS NULL THEN
      RETURN NULL;  -- every document has its number of people
    END IF;
    -- counted again under the document's lock (a new snapshot): a claim committed since
    -- the search may have filled it
    SELECT count(*) INTO taken FROM assignments a JOIN annotators l ON l.id = a.annotator_id
    WHERE a.doc_id = doc AND l.kind <> 'gold';
    IF taken < most THEN
      INSERT INTO assignments (doc_id, annotator_id, login_role, state, assigned_by, updated_at)
      VALUES (doc, me, session_user::text, 'claimed', session_user::text, now());
      RETURN doc;
    END IF;
    after := doc;
  END LOOP;
END $$""",
    ]
