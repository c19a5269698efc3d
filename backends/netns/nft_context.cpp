#include "backends/netns/nft_context.h"

#include <nftables/libnftables.h>

#include "backends/netns/namespace_scope.h"
#include "backends/netns/network_namespace.h"
#include "backends/netns/netns_error.h"

namespace mprecover::netns {

NftContext::NftContext(const NetworkNamespace& ns) : ns_(ns) {
  NamespaceScope scope(ns_);
  ctx_ = nft_ctx_new(NFT_CTX_DEFAULT);
  if (ctx_ == nullptr) throw NetnsError("creating", "an nftables context in " + ns_.name(), "nft_ctx_new failed");
  nft_ctx_buffer_output(ctx_);
  nft_ctx_buffer_error(ctx_);
}

NftContext::~NftContext() {
  if (ctx_ != nullptr) nft_ctx_free(ctx_);
}

std::string NftContext::run(const std::string& commands) {
  NamespaceScope scope(ns_);
  if (nft_run_cmd_from_buffer(ctx_, commands.c_str()) != 0) {
    std::string reason = nft_ctx_get_error_buffer(ctx_);
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
    throw NetnsError("running nft", "'" + commands + "' in " + ns_.name(),
                       reason.empty() ? std::string("failed (no nf_tables in the kernel?)") : reason);
  }
  return nft_ctx_get_output_buffer(ctx_);
}

}  // namespace mprecover::netns
