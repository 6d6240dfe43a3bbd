%% The behaviour a replica implements so the agent can describe it (protocol §4.3). The
%% agent calls these once per report tick with the `Ref` given to
%% driftscope_agent:attach/4 (a pid, a table, whatever reaches the replica's state).
%% Everything else the agent learns from the node's calls: driftscope_agent:issued/2,
%% merged/6, sent/4, received/4.
-module(driftscope_replica).

%% Every dot reflected in the state: #{Origin => Seq} or [{Origin, Seq}], ids as binaries.
-callback version_vector(Ref :: term()) -> #{binary() => non_neg_integer()} | [{binary(), non_neg_integer()}].
%% A hash of the canonical state (equal states, equal hashes): 1-128 chars of A-Z a-z 0-9 + / = _ -.
-callback state_hash(Ref :: term()) -> binary().
%% Size of the state in bytes.
-callback state_size(Ref :: term()) -> non_neg_integer().
%% A short human summary of the value, e.g. <<"count=12">>.
-callback summary(Ref :: term()) -> binary().
