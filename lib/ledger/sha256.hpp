#pragma once
// SHA-256 through OpenSSL's EVP interface. A Sha256 object keeps its context between calls, which
// matters for the miner: setting up a context per hash costs a quarter of the hashing itself.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace chain::ledger {

using Digest = std::array<unsigned char, 32>;

class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    Digest digest(std::string_view data);

private:
    void* m_ctx; // EVP_MD_CTX*, kept opaque so OpenSSL's headers stay out of this one
};

/// Lowercase hex of a digest.
std::string to_hex(const Digest& digest);
/// Lowercase hex SHA-256 of data.
std::string sha256_hex(std::string_view data);
/// Number of leading zero hex digits of a digest (0 to 64).
int leading_zero_nibbles(const Digest& digest);
/// Number of leading '0' characters of a hex string.
int leading_zero_chars(std::string_view hex);

} // namespace chain::ledger
