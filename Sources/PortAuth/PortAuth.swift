/// PortAuth: access tokens (EdDSA JWT) — their claims, signing and local verification with published keys — the
/// principal of a call, the bearer metadata of outgoing calls, and opaque credentials (refresh tokens, API keys).
public enum PortAuth {}
