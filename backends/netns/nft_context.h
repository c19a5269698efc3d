// nftables in one namespace through libnftables: a command buffer in, errors as NetnsError.
#pragma once

#include <string>

struct nft_ctx;

namespace mprecover::netns {

class NetworkNamespace;

// An nft context bound to `ns`: it is made, and every command runs, with the calling thread inside
// the namespace, so nothing ever reaches the root namespace's ruleset.
class NftContext {
 public:
  explicit NftContext(const NetworkNamespace& ns);
  ~NftContext();
  NftContext(const NftContext&) = delete;
  NftContext& operator=(const NftContext&) = delete;

  // Runs `commands` (nft syntax, one transaction); returns nft's output (e.g. of `list`).
  std::string run(const std::string& commands);

 private:
  const NetworkNamespace& ns_;
  nft_ctx* ctx_ = nullptr;
};

}  // namespace mprecover::netns
