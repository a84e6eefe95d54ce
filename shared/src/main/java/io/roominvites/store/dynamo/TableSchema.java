package io.roominvites.store.dynamo;

/**
 * The single table's key schema, index and attribute names. The SAM template and the contract test
 * read the same names; change them together.
 *
 * <pre>
 * item          pk                      sk                      notes
 * settings      SITE                    #SETTINGS
 * room          ROOM#{roomId}           #ROOM                   version, deleted tombstone
 * invite        ROOM#{roomId}           INVITE#{inviteId}       inviteId is time-ordered; gsi1 = status index
 * user          USER#{email}            #USER
 * user search   DIR#{first char}        {term}#{email}          term: email, first name, last name, "first last" (lower case)
 * idempotency   IDEM#{sha256(scope,key)} #IDEM                  ttl 24 h
 * </pre>
 */
public final class TableSchema {
    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String GSI1 = "byStatus";
    public static final String GSI1_PK = "gsi1pk";
    public static final String GSI1_SK = "gsi1sk";
    public static final String TTL = "ttl";

    private TableSchema() {
    }
}
