// The router without a socket: 404, 405 with Allow, HEAD as GET, lenient slashes, and errors
// from handlers turned into statuses.
#include "http/failure.hpp"
#include "http/router.hpp"
#include "http/text.hpp"

#include <catch2/catch.hpp>

using namespace chain::http;

namespace {

Response call(const Router& router, std::string method, std::string path) {
    Request q;
    q.method = std::move(method);
    q.path = std::move(path);
    std::optional<Response> answer;
    router.dispatch(q, [&](Response r) { answer = std::move(r); });
    REQUIRE(answer);
    return *answer;
}

} // namespace

TEST_CASE("routes answer their methods and 405 with Allow for the others", "[router]") {
    Router router;
    router.add("GET", "/chain", [](const Request&) { return Response::text(200, "chain"); });
    router.add("POST", "/mine", [](const Request&) { return Response::text(200, "post"); });
    router.add("GET", "/mine", [](const Request&) { return Response::text(200, "get"); });

    CHECK(call(router, "GET", "/chain").body_text() == "chain");
    CHECK(call(router, "HEAD", "/chain").status == 200);
    CHECK(call(router, "GET", "//chain/").body_text() == "chain");
    CHECK(call(router, "POST", "/mine").body_text() == "post");

    Response r = call(router, "PUT", "/chain");
    CHECK(r.status == 405);
    CHECK(r.headers.get("Allow") == "GET, HEAD");
    CHECK_THAT(std::string(r.body_text()), Catch::Contains("PUT is not allowed on /chain"));
    r = call(router, "DELETE", "/mine");
    CHECK(r.headers.get("Allow") == "GET, HEAD, POST");

    r = call(router, "GET", "/nope");
    CHECK(r.status == 404);
    CHECK_THAT(std::string(r.body_text()), Catch::Contains("no such endpoint: GET /nope"));
}

TEST_CASE("a handler's exception becomes its status, anything else a 500", "[router]") {
    Router router;
    std::string logged;
    router.on_internal_error([&](const std::string& line) { logged = line; });
    router.set_error_format([](const Request&, int status, const std::string& reason) {
        return Response::json(status, "{\"error\": \"" + reason + "\"}");
    });
    router.add("POST", "/bad", [](const Request&) -> Response { throw BadRequest("no body"); });
    router.add("GET", "/teapot",
               [](const Request&) -> Response { throw StatusError(418, "short and stout"); });
    router.add("GET", "/boom",
               [](const Request&) -> Response { throw std::runtime_error("oops"); });

    Response r = call(router, "POST", "/bad");
    CHECK(r.status == 400);
    CHECK(r.body_text() == "{\"error\": \"no body\"}");
    CHECK(call(router, "GET", "/teapot").status == 418);
    r = call(router, "GET", "/boom");
    CHECK(r.status == 500);
    CHECK_THAT(std::string(r.body_text()), Catch::Contains("internal error: oops"));
    CHECK(logged == "internal error: oops");
}

TEST_CASE("an asynchronous handler answers once, later", "[router]") {
    Router router;
    Respond saved;
    router.add("GET", "/later",
               Handler([&](const Request&, Respond respond) { saved = std::move(respond); }));
    Request q;
    q.method = "GET";
    q.path = "/later";
    int answers = 0;
    router.dispatch(q, [&](Response) { ++answers; });
    CHECK(answers == 0);
    saved(Response::text(200, "now"));
    saved(Response::text(200, "again")); // ignored: one answer per request
    CHECK(answers == 1);
}

TEST_CASE("a comma-separated header value is split into trimmed items") {
    using V = std::vector<std::string_view>;
    CHECK(header_list("") == V{});
    CHECK(header_list("close") == V{"close"});
    CHECK(header_list(" keep-alive ,\tUpgrade\t") == V{"keep-alive", "Upgrade"});
    CHECK(header_list("http://a:1/, , http://b:2/") == V{"http://a:1/", "", "http://b:2/"});
}
