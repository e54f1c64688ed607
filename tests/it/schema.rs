//! `schema.graphql` is generated from the code; this test rewrites it and fails when it was stale.

#[test]
fn schema_graphql_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let generated = laurel_gateway::schema::sdl();
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    if committed != generated {
        std::fs::write(path, &generated).unwrap();
        panic!("schema.graphql was stale and has been rewritten; review and commit it");
    }
}
