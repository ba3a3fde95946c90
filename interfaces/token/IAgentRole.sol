// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Powers an agent may be denied one by one (T-REX 4 style per-agent restrictions).
struct AgentRestrictions {
    bool disableMint;
    bool disableBurn;
    bool disableAddressFreeze;
    bool disableForceTransfer;
    bool disablePartialFreeze;
    bool disablePause;
    bool disableRecovery;
}

/// @title IAgentRole - the issuer's agents and what each may do
interface IAgentRole {
    /// @notice `agent` was added.
    event AgentAdded(address indexed agent);
    /// @notice `agent` was removed.
    event AgentRemoved(address indexed agent);
    /// @notice `agent`'s restrictions changed.
    event AgentRestrictionsSet(
        address indexed agent,
        bool disableMint,
        bool disableBurn,
        bool disableAddressFreeze,
        bool disableForceTransfer,
        bool disablePartialFreeze,
        bool disablePause,
        bool disableRecovery
    );

    /// @notice The caller is not an agent.
    error AgentRoleNotAgent(address caller);
    /// @notice The agent is restricted from this power (`power` is the restricted function's selector).
    error AgentRoleRestricted(address agent, bytes4 power);
    /// @notice The account is already an agent.
    error AgentRoleAlreadyAgent(address account);
    /// @notice Zero address.
    error AgentRoleZeroAddress();

    /// @notice Make `agent` an agent with no restrictions (owner only).
    function addAgent(address agent) external;
    /// @notice Remove `agent` (owner only).
    function removeAgent(address agent) external;
    /// @notice Set `agent`'s restrictions (owner only).
    function setAgentRestrictions(address agent, AgentRestrictions calldata restrictions) external;
    /// @notice Whether `account` is an agent.
    function isAgent(address account) external view returns (bool);
    /// @notice `agent`'s restrictions.
    function getAgentRestrictions(address agent) external view returns (AgentRestrictions memory);
}
