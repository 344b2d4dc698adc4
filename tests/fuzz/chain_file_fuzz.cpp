// libFuzzer: the chain-file loader and verifier. verify_chain_text (the streaming, scanning
// path) must never crash and must agree with the full path (parse the whole file, validate the
// blocks as values); a valid chain laid out as a repository's chain.json must stay valid.
#include "ledger/chain_file.hpp"
#include "ledger/validate.hpp"
#include "ledger/verify.hpp"
#include "store/chain_layout.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace chain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    ledger::VerifyReport report = ledger::verify_chain_text(text, std::nullopt, 2);
    bool full = false;
    ledger::ChainDocument doc;
    try {
        doc = ledger::parse_chain_file(text);
        int difficulty = doc.meta.difficulty.value_or(2);
        full =
            ledger::validate_chain(doc.blocks, difficulty).empty() &&
            (!doc.meta.length || *doc.meta.length == static_cast<std::int64_t>(doc.blocks.size()));
    } catch (const Error&) {
        full = false;
    }
    if (report.valid != full) std::abort();
    if (!report.valid) return 0;
    if (report.blocks != doc.blocks.size()) std::abort();
    std::string laid_out = store::layout::file(doc.blocks, doc.meta.peers, report.difficulty);
    if (!ledger::verify_chain_text(laid_out, report.difficulty, 2).valid) std::abort();
    return 0;
}
