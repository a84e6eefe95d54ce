package io.roominvites.store.dynamo;

/**
 * The single table's key schema, index and attribute names. The SAM template and the contract test
 * read the same names; change them together.
 *
 * <pre>
 * item          pk                          sk          notes
 * settings      SITE                        #SETTINGS
 * room          ROOM#{roomId}               #ROOM       the one source of truth of a room; version: new on every write
 * room gate     ROOM#{roomId}#GATE#{g}      #GATE       g = 0..ROOM_GATES-1: the room's version, written with the room
 *                                                        in the same transaction; an invite's writes check its gate
 * invite        INVITE#{roomId}#{inviteId}  #INVITE     rev: raised by every write; inviteId is time-ordered
 *                                                        rlpk = ROOM#{roomId}#{s}, slpk = ROOM#{roomId}#{status}#{s},
 *                                                        lsk = inviteId; s = 0..LIST_SHARDS-1 (by invite id)
 * user          USER#{email}                #USER
 * user search   DIR#{first char}            {term}#{email}   term: email, first name, last name, "first last"
 * idempotency   IDEM#{sha256(scope,key)}    #IDEM       ttl 24 h; ek = the invitee's erasure key (a single create's)
 * erasure       ERASURE#{erasureId}         #ERASURE    ek while RUNNING; ttl a year after DONE
 * erasure lock  ERASURE#EMAIL#{ek}          #RUNNING    while an erasure of that address runs
 * </pre>
 *
 * Every invite has a partition of its own, so a join storm spreads over as many partitions as there are invitees.
 * The two list indexes are sharded {@link #LIST_SHARDS} ways per room and project only keys (plus the expiry that
 * the status filter needs), so a redeem or re-entry writes them only when the status changes, and a page reads the
 * shards' keys and then the invites in one batch. A room change writes the room and its {@link #ROOM_GATES} gates
 * in one transaction; a redeem checks one gate, so the checks of a storm spread over the gates.
 */
public final class TableSchema {
    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String TTL = "ttl";

    /** All of a room's invites, newest first: KEYS_ONLY. */
    public static final String ROOM_LIST_INDEX = "byRoom";
    public static final String ROOM_LIST_PK = "rlpk";
    /** A room's invites by stored status, newest first: keys and expiresAt. */
    public static final String STATUS_LIST_INDEX = "byStatus";
    public static final String STATUS_LIST_PK = "slpk";
    public static final String LIST_SK = "lsk";
    /** What the status index carries besides keys: the expiry, to tell PENDING from EXPIRED without the item. */
    public static final String STATUS_LIST_PROJECTED = "expiresAt";

    /**
     * Invites by their latest email's provider message id (sparse: only emailed invites have it), KEYS_ONLY: where the
     * email provider's delivery reports find their invite, with no write of the code's own (DynamoDB keeps it).
     */
    public static final String EMAIL_MESSAGE_INDEX = "byEmailMessage";
    public static final String EMAIL_MESSAGE_PK = "emailMessageId";

    /**
     * Items by the erasure key of the address they hold ({@code io.roominvites.domain.Emails#erasureKey}), sorted by
     * their pk (so one room's invites of an address are one prefix: the access code's lookup), KEYS_ONLY,
     * sparse: invites with an email and single creates' idempotency records. Where an erasure finds every item of one
     * person without a scan; an erased item loses the key with the address, and so leaves the index.
     */
    public static final String EMAIL_KEY_INDEX = "byEmailKey";
    public static final String EMAIL_KEY = "ek";

    /** How many ways each room's list index partitions are split. */
    public static final int LIST_SHARDS = 4;
    /** How many gate items each room has. */
    public static final int ROOM_GATES = 32;

    private TableSchema() {
    }
}
