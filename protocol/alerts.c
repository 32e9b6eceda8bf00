/*
 * alerts.c — alert names, and which alert each failure sends (RFC 5246
 * §7.2; RFC 7507 §2 for inappropriate_fallback, RFC 6066 §3 for
 * unrecognized_name, RFC 7919 §4 for insufficient_security).
 *
 * Read glass_alert_name (the codes of RFC 5246 §7.2 and its extensions),
 * then glass_alert_for_error: one table from glass_err to alert, so every
 * failure in the engine, whichever file finds it, gets the alert the RFC
 * names for it.  Where the choice is not obvious the case carries the
 * clause that decides it.
 *
 * CT: not applicable (public codes only).
 */
#include "protocol/protocol.h"

/* See protocol.h. */
const char *glass_alert_name(unsigned code)
{
    switch (code) {
    case GLASS_ALERT_CLOSE_NOTIFY: return "close_notify";
    case GLASS_ALERT_UNEXPECTED_MESSAGE: return "unexpected_message";
    case GLASS_ALERT_BAD_RECORD_MAC: return "bad_record_mac";
    case GLASS_ALERT_RECORD_OVERFLOW: return "record_overflow";
    case GLASS_ALERT_HANDSHAKE_FAILURE: return "handshake_failure";
    case GLASS_ALERT_BAD_CERTIFICATE: return "bad_certificate";
    case GLASS_ALERT_UNSUPPORTED_CERTIFICATE: return "unsupported_certificate";
    case GLASS_ALERT_CERTIFICATE_REVOKED: return "certificate_revoked";
    case GLASS_ALERT_CERTIFICATE_EXPIRED: return "certificate_expired";
    case GLASS_ALERT_CERTIFICATE_UNKNOWN: return "certificate_unknown";
    case GLASS_ALERT_ILLEGAL_PARAMETER: return "illegal_parameter";
    case GLASS_ALERT_UNKNOWN_CA: return "unknown_ca";
    case GLASS_ALERT_ACCESS_DENIED: return "access_denied";
    case GLASS_ALERT_DECODE_ERROR: return "decode_error";
    case GLASS_ALERT_DECRYPT_ERROR: return "decrypt_error";
    case GLASS_ALERT_PROTOCOL_VERSION: return "protocol_version";
    case GLASS_ALERT_INSUFFICIENT_SECURITY: return "insufficient_security";
    case GLASS_ALERT_INTERNAL_ERROR: return "internal_error";
    case GLASS_ALERT_INAPPROPRIATE_FALLBACK: return "inappropriate_fallback";
    case GLASS_ALERT_USER_CANCELED: return "user_canceled";
    case GLASS_ALERT_NO_RENEGOTIATION: return "no_renegotiation";
    case GLASS_ALERT_UNSUPPORTED_EXTENSION: return "unsupported_extension";
    case GLASS_ALERT_UNRECOGNIZED_NAME: return "unrecognized_name";
    default: return "unknown";
    }
}

/* See protocol.h.  The choices follow RFC 5246 §7.2.2's descriptions. */
uint8_t glass_alert_for_error(glass_err err)
{
    switch (err) {
    case GLASS_OK:
        return GLASS_ALERT_CLOSE_NOTIFY;
    case GLASS_ERR_PROTO_UNEXPECTED:
    case GLASS_ERR_PROTO_STATE:
        return GLASS_ALERT_UNEXPECTED_MESSAGE;
    case GLASS_ERR_PROTO_BAD_MAC:
        return GLASS_ALERT_BAD_RECORD_MAC;
    case GLASS_ERR_PROTO_RECORD_OVERFLOW:
        return GLASS_ALERT_RECORD_OVERFLOW;
    case GLASS_ERR_PROTO_HANDSHAKE:
        return GLASS_ALERT_HANDSHAKE_FAILURE;
    case GLASS_ERR_PROTO_BAD_CERT:
    case GLASS_ERR_X509_PARSE:
    case GLASS_ERR_X509_SIGNATURE:
    case GLASS_ERR_X509_NAME:
    case GLASS_ERR_X509_NOT_CA:
    case GLASS_ERR_X509_PATH_LEN:
    case GLASS_ERR_X509_CRITICAL_EXT:
    case GLASS_ERR_DER_TRUNCATED:
    case GLASS_ERR_DER_TAG:
    case GLASS_ERR_DER_LENGTH:
    case GLASS_ERR_DER_INDEFINITE:
    case GLASS_ERR_DER_TRAILING:
    case GLASS_ERR_DER_INTEGER:
    case GLASS_ERR_DER_VALUE:
        return GLASS_ALERT_BAD_CERTIFICATE;
    case GLASS_ERR_X509_PURPOSE:
    case GLASS_ERR_X509_KEY_USAGE:
        return GLASS_ALERT_UNSUPPORTED_CERTIFICATE;
    case GLASS_ERR_X509_REVOKED:
        return GLASS_ALERT_CERTIFICATE_REVOKED;
    case GLASS_ERR_X509_EXPIRED:
    case GLASS_ERR_X509_NOT_YET_VALID:
        return GLASS_ALERT_CERTIFICATE_EXPIRED;
    case GLASS_ERR_X509_CRL:
        return GLASS_ALERT_CERTIFICATE_UNKNOWN;
    case GLASS_ERR_PROTO_UNKNOWN_CA:
    case GLASS_ERR_X509_UNKNOWN_CA:
    case GLASS_ERR_X509_ISSUER:
        return GLASS_ALERT_UNKNOWN_CA;
    case GLASS_ERR_PROTO_ILLEGAL_PARAM:
    case GLASS_ERR_DH_GROUP:
    case GLASS_ERR_DH_PUB_TOO_SMALL:
    case GLASS_ERR_DH_PUB_TOO_LARGE:
    case GLASS_ERR_DH_PUB_SUBGROUP:
    case GLASS_ERR_DH_SHARED_ONE:
        return GLASS_ALERT_ILLEGAL_PARAMETER;
    case GLASS_ERR_ENROLL_CODE:
        return GLASS_ALERT_ACCESS_DENIED;
    case GLASS_ERR_PROTO_DECODE:
        return GLASS_ALERT_DECODE_ERROR;
    case GLASS_ERR_PROTO_DECRYPT:
    case GLASS_ERR_RSA_VERIFY:
    case GLASS_ERR_RSA_SIG_LENGTH:
    case GLASS_ERR_RSA_REPRESENTATIVE:
        return GLASS_ALERT_DECRYPT_ERROR;
    case GLASS_ERR_PROTO_VERSION:
    case GLASS_ERR_PROTO_PEER_SPEAKS_TLS:
    case GLASS_ERR_PROTO_PEER_SPEAKS_GLASS:
        /* RFC 5246 §7.2.2 protocol_version: "the protocol version the
         * client has attempted to negotiate is recognized but not
         * supported" -- the nearest name for the other profile. */
        return GLASS_ALERT_PROTOCOL_VERSION;
    case GLASS_ERR_PROTO_FALLBACK:           /* RFC 7507 §3 */
        return GLASS_ALERT_INAPPROPRIATE_FALLBACK;
    case GLASS_ERR_PROTO_INSUFFICIENT_SECURITY:  /* RFC 7919 §4 */
        return GLASS_ALERT_INSUFFICIENT_SECURITY;
    case GLASS_ERR_PROTO_NO_CLIENT_CERT:     /* RFC 5246 §7.4.6 */
        return GLASS_ALERT_HANDSHAKE_FAILURE;
    case GLASS_ERR_PROTO_RENEGOTIATION:      /* RFC 5246 §7.2.2 */
        return GLASS_ALERT_NO_RENEGOTIATION;
    case GLASS_ERR_PROTO_UNSUPPORTED_EXT:    /* RFC 5246 §7.4.1.4 */
        return GLASS_ALERT_UNSUPPORTED_EXTENSION;
    default:
        return GLASS_ALERT_INTERNAL_ERROR;
    }
}
