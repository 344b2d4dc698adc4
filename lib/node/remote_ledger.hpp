#pragma once
// A ledger that lives in a node, driven over its HTTP API: chainctl's node or the reference
// Python node. chainctl's node answers requests that carry "Accept: application/json" with JSON
// (the stored transaction, the mined block); the reference answers with its plain texts, which
// are understood too.

#include "http/client.hpp"
#include "ledger/ledger_api.hpp"

namespace chain::node {

class RemoteLedger : public ledger::LedgerApi {
public:
    explicit RemoteLedger(const std::string& url, http::HttpTimeouts timeouts = {});

    std::string location() const override { return m_url.str(); }
    json::Value add_transaction(json::Value tx) override;
    std::vector<json::Value> pending() override;
    ledger::MineOutcome mine(ledger::MineOptions options) override;
    ledger::ChainDocument chain() override;
    std::vector<std::string> peers() override;
    std::vector<std::string> add_peer(const std::string& url) override;
    std::string register_with(const std::string& url) override;

private:
    http::HttpResponse call(std::string_view method, std::string_view endpoint,
                            std::string_view body = {}, double io_s = 0) const;
    [[noreturn]] void refused(const http::HttpResponse& r, std::string_view what) const;

    http::Url m_url;
    http::HttpTimeouts m_timeouts;
};

} // namespace chain::node
