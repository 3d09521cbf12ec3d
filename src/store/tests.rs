use super::*;

fn mem() -> rusqlite::Connection {
    let c = rusqlite::Connection::open_in_memory().unwrap();
    c.execute_batch("CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER NOT NULL, b BLOB, o INTEGER)").unwrap();
    c
}

#[test]
fn round_trips_every_value_kind() {
    let c = mem();
    let sql = Sql::sqlite(&c);
    let blob = [1u8, 2, 3];
    let none: Option<i64> = None;
    assert_eq!(
        sql.execute("INSERT INTO t (id, n, b, o) VALUES (?1, ?2, ?3, ?4)", params!["a", 7i64, &blob, none]).unwrap(),
        1
    );
    let row = sql
        .query_one("SELECT id, n, b, o FROM t WHERE id = ?1", params!["a"], |r| {
            Ok((r.get::<String>(0)?, r.get::<u64>(1)?, r.get::<Vec<u8>>(2)?, r.get::<Option<i64>>(3)?))
        })
        .unwrap();
    assert_eq!(row, Some(("a".to_string(), 7, vec![1, 2, 3], None)));
    assert_eq!(sql.query_one("SELECT n FROM t WHERE id = ?1", params!["missing"], |r| r.get::<i64>(0)).unwrap(), None);
}

#[test]
fn a_unique_conflict_is_a_constraint_error() {
    let c = mem();
    let sql = Sql::sqlite(&c);
    sql.execute("INSERT INTO t (id, n) VALUES (?1, ?2)", params!["a", 1i64]).unwrap();
    let err = sql.execute("INSERT INTO t (id, n) VALUES (?1, ?2)", params!["a", 2i64]).unwrap_err();
    assert!(err.is_constraint(), "{err}");
    // ON CONFLICT DO NOTHING is the portable way to skip a duplicate.
    assert_eq!(
        sql.execute("INSERT INTO t (id, n) VALUES (?1, ?2) ON CONFLICT (id) DO NOTHING", params!["a", 2i64]).unwrap(),
        0
    );
}

#[test]
fn reading_a_negative_integer_as_unsigned_is_an_error_not_a_wrap() {
    let c = mem();
    let sql = Sql::sqlite(&c);
    sql.execute("INSERT INTO t (id, n) VALUES (?1, ?2)", params!["a", -1i64]).unwrap();
    let err = sql.query_one("SELECT n FROM t", params![], |r| r.get::<u64>(0)).unwrap_err();
    assert_eq!(err.kind(), StoreErrorKind::Decode);
    let null = sql.query_one("SELECT o FROM t", params![], |r| r.get::<i64>(0)).unwrap_err();
    assert_eq!(null.kind(), StoreErrorKind::Decode);
}

#[test]
fn query_all_maps_every_row_in_order() {
    let c = mem();
    let sql = Sql::sqlite(&c);
    for (id, n) in [("a", 1i64), ("b", 2), ("c", 3)] {
        sql.execute("INSERT INTO t (id, n) VALUES (?1, ?2)", params![id, n]).unwrap();
    }
    let ns = sql.query_all("SELECT n FROM t WHERE n >= ?1 ORDER BY id", params![2i64], |r| r.get::<i64>(0)).unwrap();
    assert_eq!(ns, vec![2, 3]);
}
