#include "ledger/sha256.hpp"

#include "error.hpp"

#include <openssl/evp.h>

namespace chain::ledger {

namespace {

// Fetched once: looking the algorithm up by name per hash is measurably slower.
const EVP_MD* sha256_md() {
    static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (!md) throw Error("OpenSSL has no SHA-256 implementation available");
    return md;
}

} // namespace

Sha256::Sha256() : m_ctx(EVP_MD_CTX_new()) {
    if (!m_ctx) throw Error("out of memory creating a SHA-256 context");
}

Sha256::~Sha256() {
    EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(m_ctx));
}

Digest Sha256::digest(std::string_view data) {
    auto* ctx = static_cast<EVP_MD_CTX*>(m_ctx);
    Digest out{};
    unsigned int length = 0;
    if (EVP_DigestInit_ex2(ctx, sha256_md(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(ctx, out.data(), &length) != 1)
        throw Error("SHA-256 computation failed in OpenSSL");
    return out;
}

std::string to_hex(const Digest& digest) {
    static const char* const hex = "0123456789abcdef";
    std::string out(64, '0');
    for (std::size_t i = 0; i < digest.size(); ++i) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    return out;
}

std::string sha256_hex(std::string_view data) {
    thread_local Sha256 hasher;
    return to_hex(hasher.digest(data));
}

int leading_zero_nibbles(const Digest& digest) {
    int n = 0;
    for (unsigned char byte : digest) {
        if (byte == 0) {
            n += 2;
            continue;
        }
        if ((byte >> 4) == 0) ++n;
        break;
    }
    return n;
}

int leading_zero_chars(std::string_view hex) {
    int n = 0;
    while (static_cast<std::size_t>(n) < hex.size() && hex[static_cast<std::size_t>(n)] == '0')
        ++n;
    return n;
}

} // namespace chain::ledger
