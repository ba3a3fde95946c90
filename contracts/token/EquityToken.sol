// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {NoncesUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/NoncesUpgradeable.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

import {IERC3643} from "../interfaces/token/IERC3643.sol";
import {IEquityToken} from "../interfaces/token/IEquityToken.sol";
import {IAgentRole, AgentRestrictions} from "../interfaces/token/IAgentRole.sol";
import {IIdentityRegistry} from "../interfaces/identity/IIdentityRegistry.sol";
import {IIdentity} from "../interfaces/identity/IIdentity.sol";
import {IModularCompliance} from "../interfaces/compliance/IModularCompliance.sol";
import {ITransferPolicy} from "../interfaces/compliance/ITransferPolicy.sol";
import {Movement, MovementKind} from "../interfaces/compliance/IComplianceModule.sol";
import {BalanceCheckpoints} from "../libraries/BalanceCheckpoints.sol";
import {EquityTokenState} from "./EquityTokenState.sol";

/// @title EquityToken - an ERC-3643 permissioned stock token (one per listed stock)
/// @notice Transfers only between verified holders, with the agent powers regulators require.
/// @dev Gas layout: each wallet's balance, frozen amount and frozen flag share ONE storage slot, and
///      the registry address shares a slot with the pause flag, so a holder transfer reads four
///      slots (config, compliance, sender, receiver) and makes one call to the registry and one to
///      the compliance. Verification stays live: the registry re-checks the receiver's claim with
///      its issuer on every transfer; freezes are read from the same slot as the balance.
///      Policy mode: when the registry and the compliance are the same ITransferPolicy (the
///      factory's default suite), a flag in the config slot makes every movement but recovery ONE
///      call (`settle`), made where `moved` is made in separate mode (after the token's own state
///      change; the policy's verification only makes static calls): same errors, events and order.
///      Corporate actions: the ERC-8056 multiplier never touches a raw balance, and record-time
///      snapshots cost a movement nothing but two comparisons (the next record time sits in the config
///      slot, each wallet's last synced snapshot in its account slot) unless a record time passed since
///      the wallet last moved, when its balance before the move is checkpointed once.
contract EquityToken is EquityTokenState, IEquityToken, Initializable, OwnableUpgradeable, EIP712Upgradeable, NoncesUpgradeable, IERC20Errors {
    using BalanceCheckpoints for BalanceCheckpoints.Checkpoint[];

    bytes32 private constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    string private constant VERSION = "1.0.0";

    uint256 private constant MANAGEMENT_PURPOSE = 1;

    // ------------------------------------------------------------------ construction

    /// @dev The corporate-action surface (ICorporateActionTarget), delegatecalled from `fallback`.
    address private immutable CORPORATE_ACTIONS;

    /// @param corporateActions An EquityTokenCorporateActions deployment (stateless: any one serves
    ///        every token implementation built on the same EquityTokenState).
    constructor(address corporateActions) {
        if (corporateActions.code.length == 0) revert EquityTokenZeroAddress();
        CORPORATE_ACTIONS = corporateActions;
        _disableInitializers();
    }

    /// @notice Serves ICorporateActionTarget (ERC-8056 multiplier, record-time snapshots) by running
    ///         the corporate-actions extension in this token's context; any other unknown call reverts
    ///         there. Keeps the token's own code under the contract size limit without a second proxy.
    fallback() external {
        address extension = CORPORATE_ACTIONS;
        assembly ("memory-safe") {
            // Scratch use of memory from 0: nothing after this returns to Solidity code.
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), extension, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }

    /// @notice The extension that serves ICorporateActionTarget for this implementation.
    function corporateActionsExtension() external view returns (address) {
        return CORPORATE_ACTIONS;
    }

    /// @inheritdoc IEquityToken
    function initialize(InitParams calldata params) external initializer {
        if (params.owner == address(0) || params.identityRegistry == address(0) || params.compliance == address(0)) {
            revert EquityTokenZeroAddress();
        }
        if (params.decimals > 18) revert EquityTokenInvalidDecimals(params.decimals);
        _requireNameAndSymbol(params.name, params.symbol);
        __Ownable_init(params.owner);
        // The domain name is the token's own `name()` (see `_EIP712Name`): no second copy is stored.
        __EIP712_init("", "1");
        EquityTokenStorage storage $ = _store();
        $.name = params.name;
        $.symbol = params.symbol;
        $.decimals = params.decimals;
        $.onchainID = params.onchainID;
        $.identityRegistry = IIdentityRegistry(params.identityRegistry);
        $.compliance = IModularCompliance(params.compliance);
        _updatePolicyMode($);
        emit UpdatedTokenInformation(params.name, params.symbol, params.decimals, VERSION, params.onchainID);
        emit IdentityRegistryAdded(params.identityRegistry);
        emit ComplianceAdded(params.compliance);
    }

    // ------------------------------------------------------------------ modifiers

    modifier onlyAgent() {
        if (!_store().agents[msg.sender].isAgent) revert AgentRoleNotAgent(msg.sender);
        _;
    }

    function _requireAgentWith(bool restricted) private view {
        if (restricted) revert AgentRoleRestricted(msg.sender, msg.sig);
    }

    function _agent() private view returns (Agent memory agent) {
        agent = _store().agents[msg.sender];
        if (!agent.isAgent) revert AgentRoleNotAgent(msg.sender);
    }

    // ------------------------------------------------------------------ ERC-20

    /// @inheritdoc IERC20Metadata
    function name() external view returns (string memory) {
        return _store().name;
    }

    /// @inheritdoc IERC20Metadata
    function symbol() external view returns (string memory) {
        return _store().symbol;
    }

    /// @inheritdoc IERC20Metadata
    function decimals() external view returns (uint8) {
        return _store().decimals;
    }

    /// @inheritdoc IERC20
    function totalSupply() external view returns (uint256) {
        return _store().totalSupply;
    }

    /// @inheritdoc IERC20
    function balanceOf(address account) external view returns (uint256) {
        return _store().accounts[account].balance;
    }

    /// @inheritdoc IERC20
    function allowance(address holder, address spender) external view returns (uint256) {
        return _store().allowances[holder][spender];
    }

    /// @inheritdoc IERC20
    function approve(address spender, uint256 amount) external returns (bool) {
        _approve(msg.sender, spender, amount);
        return true;
    }

    /// @inheritdoc IERC20
    function transfer(address to, uint256 amount) external returns (bool) {
        _holderTransfer(msg.sender, to, amount);
        return true;
    }

    /// @inheritdoc IERC20
    /// @dev The allowance is checked and spent first: a spender without allowance fails before any
    ///      registry or compliance call (the reference checks it last).
    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 allowed = _store().allowances[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < amount) revert ERC20InsufficientAllowance(msg.sender, allowed, amount);
            // unchecked: allowed >= amount was just checked.
            unchecked {
                _store().allowances[from][msg.sender] = allowed - amount;
            }
        }
        _holderTransfer(from, to, amount);
        return true;
    }

    /// @inheritdoc IERC20Permit
    /// @dev The EIP-712 domain name is the token's current `name()`, also reported by `eip712Domain()`
    ///      (ERC-5267): a `setName` changes the domain, so permits signed under the old name no longer
    ///      verify and wallets sign with the name they read.
    function permit(address holder, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
    {
        if (block.timestamp > deadline) revert ERC2612ExpiredSignature(deadline);
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, holder, spender, value, _useNonce(holder), deadline));
        address signer = ECDSA.recover(_hashTypedDataV4(structHash), v, r, s);
        if (signer != holder) revert ERC2612InvalidSigner(signer, holder);
        _approve(holder, spender, value);
    }

    /// @inheritdoc IERC20Permit
    function nonces(address holder) public view override(IERC20Permit, NoncesUpgradeable) returns (uint256) {
        return super.nonces(holder);
    }

    /// @inheritdoc IERC20Permit
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ------------------------------------------------------------------ ERC-3643 views

    /// @inheritdoc IERC3643
    function onchainID() external view returns (address) {
        return _store().onchainID;
    }

    /// @inheritdoc IERC3643
    function version() external pure virtual returns (string memory) {
        return VERSION;
    }

    /// @inheritdoc IERC3643
    function identityRegistry() external view returns (IIdentityRegistry) {
        return _store().identityRegistry;
    }

    /// @inheritdoc IERC3643
    function compliance() external view returns (IModularCompliance) {
        return _store().compliance;
    }

    /// @notice The id of the last snapshot whose record time has passed (IBalanceSnapshots), answered here
    ///         rather than by the extension so that custodians that ask on every movement pay one call.
    function lastTakenSnapshot() external view returns (uint256) {
        return _takenSnapshotView(_store());
    }

    /// @inheritdoc IERC3643
    function paused() external view returns (bool) {
        return _store().paused;
    }

    /// @inheritdoc IERC3643
    function isFrozen(address userAddress) external view returns (bool) {
        return _store().accounts[userAddress].walletFrozen;
    }

    /// @inheritdoc IERC3643
    function getFrozenTokens(address userAddress) external view returns (uint256) {
        return _store().accounts[userAddress].frozen;
    }

    // ------------------------------------------------------------------ owner administration

    /// @inheritdoc IERC3643
    function setName(string calldata newName) external onlyOwner {
        if (bytes(newName).length == 0) revert EquityTokenEmptyName();
        EquityTokenStorage storage $ = _store();
        $.name = newName;
        emit UpdatedTokenInformation(newName, $.symbol, $.decimals, VERSION, $.onchainID);
    }

    /// @inheritdoc IERC3643
    function setSymbol(string calldata newSymbol) external onlyOwner {
        if (bytes(newSymbol).length == 0) revert EquityTokenEmptySymbol();
        EquityTokenStorage storage $ = _store();
        $.symbol = newSymbol;
        emit UpdatedTokenInformation($.name, newSymbol, $.decimals, VERSION, $.onchainID);
    }

    /// @inheritdoc IERC3643
    function setOnchainID(address newOnchainID) external onlyOwner {
        EquityTokenStorage storage $ = _store();
        $.onchainID = newOnchainID;
        emit UpdatedTokenInformation($.name, $.symbol, $.decimals, VERSION, newOnchainID);
    }

    /// @inheritdoc IERC3643
    /// @dev Policy mode is on after this call iff the new registry is also the compliance and an
    ///      ITransferPolicy. Refused while there is supply and the compliance has modules, as
    ///      `setCompliance` refuses a compliance with modules: module state keyed by identities would
    ///      otherwise be re-keyed silently by the new registry's records.
    function setIdentityRegistry(address newRegistry) external onlyOwner {
        if (newRegistry == address(0)) revert EquityTokenZeroAddress();
        EquityTokenStorage storage $ = _store();
        uint256 supply = $.totalSupply;
        if (supply != 0) {
            uint256 moduleCount = $.compliance.getModules().length;
            if (moduleCount != 0) {
                revert EquityTokenRegistryChangeWithModules(address($.compliance), moduleCount, supply);
            }
        }
        $.identityRegistry = IIdentityRegistry(newRegistry);
        _updatePolicyMode($);
        emit IdentityRegistryAdded(newRegistry);
    }

    /// @inheritdoc IERC3643
    /// @dev The compliance's owner must have bound it to this token first: the token never binds
    ///      itself, so no third party can race to bind an unbound compliance. While the token has
    ///      supply, the new compliance must have no modules yet: modules that track balances must
    ///      see every movement from zero supply, or their state would drift. Policy mode is on after
    ///      this call iff the new compliance is also the registry and an ITransferPolicy.
    function setCompliance(address newCompliance) external onlyOwner {
        if (newCompliance == address(0)) revert EquityTokenZeroAddress();
        if (IModularCompliance(newCompliance).getTokenBound() != address(this)) {
            revert EquityTokenComplianceNotBound(newCompliance);
        }
        EquityTokenStorage storage $ = _store();
        uint256 moduleCount = IModularCompliance(newCompliance).getModules().length;
        if ($.totalSupply != 0 && moduleCount != 0) revert EquityTokenComplianceHasModules(newCompliance, moduleCount);
        $.compliance = IModularCompliance(newCompliance);
        _updatePolicyMode($);
        emit ComplianceAdded(newCompliance);
    }

    // ------------------------------------------------------------------ agent role

    /// @inheritdoc IAgentRole
    function addAgent(address account) external onlyOwner {
        if (account == address(0)) revert AgentRoleZeroAddress();
        Agent storage agent = _store().agents[account];
        if (agent.isAgent) revert AgentRoleAlreadyAgent(account);
        agent.isAgent = true;
        emit AgentAdded(account);
    }

    /// @inheritdoc IAgentRole
    function removeAgent(address account) external onlyOwner {
        if (!_store().agents[account].isAgent) revert AgentRoleNotAgent(account);
        delete _store().agents[account];
        emit AgentRemoved(account);
    }

    /// @inheritdoc IAgentRole
    function setAgentRestrictions(address account, AgentRestrictions calldata r) external onlyOwner {
        Agent storage agent = _store().agents[account];
        if (!agent.isAgent) revert AgentRoleNotAgent(account);
        agent.disableMint = r.disableMint;
        agent.disableBurn = r.disableBurn;
        agent.disableAddressFreeze = r.disableAddressFreeze;
        agent.disableForceTransfer = r.disableForceTransfer;
        agent.disablePartialFreeze = r.disablePartialFreeze;
        agent.disablePause = r.disablePause;
        agent.disableRecovery = r.disableRecovery;
        emit AgentRestrictionsSet(
            account,
            r.disableMint,
            r.disableBurn,
            r.disableAddressFreeze,
            r.disableForceTransfer,
            r.disablePartialFreeze,
            r.disablePause,
            r.disableRecovery
        );
    }

    /// @inheritdoc IAgentRole
    function isAgent(address account) external view returns (bool) {
        return _store().agents[account].isAgent;
    }

    /// @inheritdoc IAgentRole
    function getAgentRestrictions(address account) external view returns (AgentRestrictions memory r) {
        Agent memory agent = _store().agents[account];
        r = AgentRestrictions({
            disableMint: agent.disableMint,
            disableBurn: agent.disableBurn,
            disableAddressFreeze: agent.disableAddressFreeze,
            disableForceTransfer: agent.disableForceTransfer,
            disablePartialFreeze: agent.disablePartialFreeze,
            disablePause: agent.disablePause,
            disableRecovery: agent.disableRecovery
        });
    }

    // ------------------------------------------------------------------ agent powers

    /// @inheritdoc IERC3643
    function pause() external {
        _requireAgentWith(_agent().disablePause);
        EquityTokenStorage storage $ = _store();
        if ($.paused) revert EquityTokenPaused();
        $.paused = true;
        emit Paused(msg.sender);
        _notifyStateObserver($);
    }

    /// @inheritdoc IERC3643
    function unpause() external {
        _requireAgentWith(_agent().disablePause);
        EquityTokenStorage storage $ = _store();
        if (!$.paused) revert EquityTokenNotPaused();
        $.paused = false;
        emit Unpaused(msg.sender);
        _notifyStateObserver($);
    }

    /// @inheritdoc IERC3643
    function setAddressFrozen(address userAddress, bool freeze) public {
        _requireAgentWith(_agent().disableAddressFreeze);
        _store().accounts[userAddress].walletFrozen = freeze;
        emit AddressFrozen(userAddress, freeze, msg.sender);
    }

    /// @inheritdoc IERC3643
    function freezePartialTokens(address userAddress, uint256 amount) public {
        _requireAgentWith(_agent().disablePartialFreeze);
        Account storage account = _store().accounts[userAddress];
        uint256 frozenAfter = uint256(account.frozen) + amount;
        if (frozenAfter > account.balance) {
            revert EquityTokenFreezeExceedsBalance(userAddress, account.balance, frozenAfter);
        }
        // frozenAfter <= balance < 2**112: the cast is exact.
        account.frozen = uint112(frozenAfter);
        emit TokensFrozen(userAddress, amount);
    }

    /// @inheritdoc IERC3643
    function unfreezePartialTokens(address userAddress, uint256 amount) public {
        _requireAgentWith(_agent().disablePartialFreeze);
        Account storage account = _store().accounts[userAddress];
        uint256 frozen = account.frozen;
        if (amount > frozen) revert EquityTokenUnfreezeExceedsFrozen(userAddress, frozen, amount);
        // unchecked: amount <= frozen was just checked.
        unchecked {
            account.frozen = uint112(frozen - amount);
        }
        emit TokensUnfrozen(userAddress, amount);
    }

    /// @inheritdoc IERC3643
    function mint(address to, uint256 amount) public {
        _requireAgentWith(_agent().disableMint);
        EquityTokenStorage storage $ = _store();
        uint256 supply = $.totalSupply;
        if ($.policyMode) {
            // The receiver check comes before the supply check, as below: only a mint that would
            // overflow pays for this extra view. totalSupply <= type(uint112).max: no underflow.
            if (amount > type(uint112).max - supply && !$.identityRegistry.isVerified(to)) {
                revert EquityTokenUnverifiedReceiver(to);
            }
            _mint($, supply, to, amount);
            _settle($, MovementKind.Mint, address(0), to, amount);
            return;
        }
        (,, address toIdentity, uint16 toCountry, bool toVerified) =
            $.identityRegistry.transferParties(address(0), to);
        if (!toVerified) revert EquityTokenUnverifiedReceiver(to);
        _mint($, supply, to, amount);
        $.compliance.moved(Movement(MovementKind.Mint, address(0), to, address(0), toIdentity, 0, toCountry, amount));
    }

    /// @inheritdoc IERC3643
    function burn(address userAddress, uint256 amount) public {
        _requireAgentWith(_agent().disableBurn);
        EquityTokenStorage storage $ = _store();
        Account memory account = $.accounts[userAddress];
        if (amount > account.balance) revert ERC20InsufficientBalance(userAddress, account.balance, amount);
        _unfreezeShortfall(userAddress, account, amount);
        uint24 taken = _syncSnapshots($);
        _checkpoint($, userAddress, account, taken);
        _checkpointSupply($, $.totalSupply, taken);
        // unchecked: amount <= balance <= totalSupply.
        unchecked {
            account.balance -= uint112(amount);
            $.totalSupply -= amount;
        }
        _writeAccount($.accounts[userAddress], account);
        emit Transfer(userAddress, address(0), amount);
        if ($.policyMode) return _settle($, MovementKind.Burn, userAddress, address(0), amount);
        (address fromIdentity, uint16 fromCountry,,,) = $.identityRegistry.transferParties(userAddress, address(0));
        $.compliance.moved(
            Movement(MovementKind.Burn, userAddress, address(0), fromIdentity, address(0), fromCountry, 0, amount)
        );
    }

    /// @inheritdoc IERC3643
    /// @dev Skips `compliance` checks and unfreezes any shortfall, but the receiver must be verified
    ///      and compliance still records the movement (kind Forced) so module state never drifts.
    function forcedTransfer(address from, address to, uint256 amount) public returns (bool) {
        _requireAgentWith(_agent().disableForceTransfer);
        if (from == to) revert EquityTokenForcedSelfTransfer(from);
        EquityTokenStorage storage $ = _store();
        Account memory source = $.accounts[from];
        if (amount > source.balance) revert ERC20InsufficientBalance(from, source.balance, amount);
        if ($.policyMode) {
            _unfreezeShortfall(from, source, amount);
            _move(from, to, source, amount);
            emit ForcedTransfer(msg.sender, from, to, amount);
            _settle($, MovementKind.Forced, from, to, amount);
            return true;
        }
        (address fromIdentity, uint16 fromCountry, address toIdentity, uint16 toCountry, bool toVerified) =
            $.identityRegistry.transferParties(from, to);
        if (!toVerified) revert EquityTokenUnverifiedReceiver(to);
        _unfreezeShortfall(from, source, amount);
        _move(from, to, source, amount);
        emit ForcedTransfer(msg.sender, from, to, amount);
        $.compliance.moved(
            Movement(MovementKind.Forced, from, to, fromIdentity, toIdentity, fromCountry, toCountry, amount)
        );
        return true;
    }

    /// @inheritdoc IERC3643
    /// @dev Checks that `lostWallet` belongs to `investorOnchainID` (the reference does not) and that
    ///      `newWallet` is a MANAGEMENT key of it; moves balance, frozen amount and frozen flag;
    ///      registers the new wallet (the token must be an agent of its identity registry) and drops
    ///      the lost one unless the identity storage is shared with other registries; and tells
    ///      compliance (kind Recovery) so per-wallet module state follows. In policy mode too the
    ///      modules get this Movement through `moved` (the policy is the compliance): the identity
    ///      and country are the ones checked here, read before the lost wallet is dropped. Records
    ///      `recoveredTo(lostWallet) = newWallet` (IRecoveryRecord, served by the extension) so that
    ///      positions keyed by the lost wallet, such as dividends at a past record time, follow it.
    function recoveryAddress(address lostWallet, address newWallet, address investorOnchainID)
        external
        returns (bool)
    {
        _requireAgentWith(_agent().disableRecovery);
        if (newWallet == address(0) || newWallet == lostWallet) revert EquityTokenZeroAddress();
        EquityTokenStorage storage $ = _store();
        Account memory lost = $.accounts[lostWallet];
        if (lost.balance == 0 && lost.frozen == 0 && !lost.walletFrozen) {
            revert EquityTokenRecoveryNothingToRecover(lostWallet);
        }
        IIdentityRegistry registry = $.identityRegistry;
        address lostIdentity = address(registry.identity(lostWallet));
        if (lostIdentity != investorOnchainID) {
            revert EquityTokenRecoveryIdentityMismatch(lostWallet, investorOnchainID, lostIdentity);
        }
        if (!IIdentity(investorOnchainID).keyHasPurpose(keccak256(abi.encode(newWallet)), MANAGEMENT_PURPOSE)) {
            revert EquityTokenRecoveryWalletNotKey(newWallet, investorOnchainID);
        }
        uint16 country = registry.investorCountry(lostWallet);
        if (!registry.contains(newWallet)) {
            registry.registerIdentity(newWallet, IIdentity(investorOnchainID), country);
        } else if (address(registry.identity(newWallet)) != investorOnchainID) {
            revert EquityTokenRecoveryIdentityMismatch(newWallet, investorOnchainID, address(registry.identity(newWallet)));
        }
        // The storage may be shared with other tokens' registries, where the lost wallet may still
        // hold tokens to recover: only drop it when this registry is the storage's only user.
        if (registry.identityStorage().linkedIdentityRegistries().length <= 1) registry.deleteIdentity(lostWallet);

        uint24 taken = _syncSnapshots($);
        _checkpoint($, lostWallet, lost, taken);
        Account memory recovered = $.accounts[newWallet];
        _checkpoint($, newWallet, recovered, taken);
        uint256 balanceAfter = uint256(recovered.balance) + lost.balance;
        // Both balances are parts of totalSupply < 2**112, so their sum fits.
        recovered.balance = uint112(balanceAfter);
        recovered.frozen += lost.frozen;
        recovered.walletFrozen = recovered.walletFrozen || lost.walletFrozen;
        _writeAccount($.accounts[newWallet], recovered);
        // Emptied, but it keeps its snapshot sync so its balance at past record times stays readable.
        _writeAccount($.accounts[lostWallet], Account(0, 0, false, lost.snapshotSynced));

        if (lost.balance > 0) emit Transfer(lostWallet, newWallet, lost.balance);
        if (lost.frozen > 0) {
            emit TokensUnfrozen(lostWallet, lost.frozen);
            emit TokensFrozen(newWallet, lost.frozen);
        }
        if (lost.walletFrozen) {
            emit AddressFrozen(lostWallet, false, msg.sender);
            emit AddressFrozen(newWallet, true, msg.sender);
        }
        // The recovery record (IRecoveryRecord). The new wallet is live again if it was itself lost
        // once: clearing its own record keeps every chain loop-free.
        delete $.recoveredTo[newWallet];
        $.recoveredTo[lostWallet] = newWallet;
        emit RecoverySuccess(lostWallet, newWallet, investorOnchainID);
        $.compliance.moved(
            Movement(
                MovementKind.Recovery, lostWallet, newWallet, investorOnchainID, investorOnchainID, country, country, lost.balance
            )
        );
        return true;
    }

    // ------------------------------------------------------------------ batches

    /// @inheritdoc IERC3643
    function batchTransfer(address[] calldata toList, uint256[] calldata amounts) external {
        _requireSameLength(toList.length, amounts.length);
        for (uint256 i; i < toList.length; ++i) {
            _holderTransfer(msg.sender, toList[i], amounts[i]);
        }
    }

    /// @inheritdoc IERC3643
    function batchForcedTransfer(address[] calldata fromList, address[] calldata toList, uint256[] calldata amounts)
        external
    {
        _requireSameLength(fromList.length, toList.length);
        _requireSameLength(fromList.length, amounts.length);
        for (uint256 i; i < fromList.length; ++i) {
            forcedTransfer(fromList[i], toList[i], amounts[i]);
        }
    }

    /// @inheritdoc IERC3643
    function batchMint(address[] calldata toList, uint256[] calldata amounts) external {
        _requireSameLength(toList.length, amounts.length);
        for (uint256 i; i < toList.length; ++i) {
            mint(toList[i], amounts[i]);
        }
    }

    /// @inheritdoc IERC3643
    function batchBurn(address[] calldata userAddresses, uint256[] calldata amounts) external {
        _requireSameLength(userAddresses.length, amounts.length);
        for (uint256 i; i < userAddresses.length; ++i) {
            burn(userAddresses[i], amounts[i]);
        }
    }

    /// @inheritdoc IERC3643
    function batchSetAddressFrozen(address[] calldata userAddresses, bool[] calldata freeze) external {
        _requireSameLength(userAddresses.length, freeze.length);
        for (uint256 i; i < userAddresses.length; ++i) {
            setAddressFrozen(userAddresses[i], freeze[i]);
        }
    }

    /// @inheritdoc IERC3643
    function batchFreezePartialTokens(address[] calldata userAddresses, uint256[] calldata amounts) external {
        _requireSameLength(userAddresses.length, amounts.length);
        for (uint256 i; i < userAddresses.length; ++i) {
            freezePartialTokens(userAddresses[i], amounts[i]);
        }
    }

    /// @inheritdoc IERC3643
    function batchUnfreezePartialTokens(address[] calldata userAddresses, uint256[] calldata amounts) external {
        _requireSameLength(userAddresses.length, amounts.length);
        for (uint256 i; i < userAddresses.length; ++i) {
            unfreezePartialTokens(userAddresses[i], amounts[i]);
        }
    }

    // ------------------------------------------------------------------ internals




    /// @dev Before `account`'s balance changes: checkpoint it if a snapshot was taken since it last
    ///      changed (updates `account.snapshotSynced` in memory; the caller writes the account back).
    function _checkpoint(EquityTokenStorage storage $, address wallet, Account memory account, uint24 taken)
        private
    {
        if (account.snapshotSynced < taken) {
            account.snapshotSynced = $.balanceHistory[wallet].record(account.snapshotSynced, taken, account.balance);
        }
    }

    /// @dev Before the total supply changes: the same for the supply (`supply` < 2**112).
    function _checkpointSupply(EquityTokenStorage storage $, uint256 supply, uint24 taken) private {
        uint24 synced = $.supplySnapshotSynced;
        if (synced < taken) $.supplySnapshotSynced = $.supplyHistory.record(synced, taken, uint112(supply));
    }


    /// @dev The holder transfer path. Checks in the ERC-3643 order: paused, frozen wallets,
    ///      unfrozen balance, receiver verified, then compliance checks and records in one call.
    function _holderTransfer(address from, address to, uint256 amount) private {
        EquityTokenStorage storage $ = _store();
        if ($.paused) revert EquityTokenPaused();
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        Account memory source = $.accounts[from];
        if (source.walletFrozen) revert EquityTokenFrozenWallet(from);
        if ($.accounts[to].walletFrozen) revert EquityTokenFrozenWallet(to);
        // frozen <= balance always holds (freeze checks it; burns and forced transfers unfreeze).
        uint256 available;
        unchecked {
            available = source.balance - source.frozen;
        }
        if (amount > available) revert EquityTokenInsufficientUnfrozenBalance(from, available, amount);
        if ($.policyMode) {
            _move(from, to, source, amount);
            return _settle($, MovementKind.Transfer, from, to, amount);
        }
        (address fromIdentity, uint16 fromCountry, address toIdentity, uint16 toCountry, bool toVerified) =
            $.identityRegistry.transferParties(from, to);
        if (!toVerified) revert EquityTokenUnverifiedReceiver(to);
        _move(from, to, source, amount);
        $.compliance.moved(
            Movement(MovementKind.Transfer, from, to, fromIdentity, toIdentity, fromCountry, toCountry, amount)
        );
    }

    /// @dev Policy mode: one call resolves the parties, verifies the receiver (a false answer reverts
    ///      the whole movement with the error separate mode gives) and runs the modules. The registry
    ///      address is read from the config slot the caller already loaded.
    function _settle(EquityTokenStorage storage $, MovementKind kind, address from, address to, uint256 amount)
        private
    {
        if (!ITransferPolicy(address($.identityRegistry)).settle(kind, from, to, amount)) {
            revert EquityTokenUnverifiedReceiver(to);
        }
    }

    /// @dev Mints `amount` to `to` on top of `supply` (the current totalSupply) and emits Transfer.
    function _mint(EquityTokenStorage storage $, uint256 supply, address to, uint256 amount) private {
        uint256 supplyAfter = supply + amount;
        if (supplyAfter > type(uint112).max) revert EquityTokenSupplyOverflow(supplyAfter);
        uint24 taken = _syncSnapshots($);
        _checkpointSupply($, supply, taken);
        $.totalSupply = supplyAfter;
        _credit($, to, amount, taken);
        emit Transfer(address(0), to, amount);
    }

    /// @dev Policy mode is on iff the registry and the compliance are one contract that says (ERC-165)
    ///      it is an ITransferPolicy; anything else (no code, a revert, a malformed answer) is off.
    function _updatePolicyMode(EquityTokenStorage storage $) private {
        address registry = address($.identityRegistry);
        bool on;
        if (registry == address($.compliance)) {
            bytes4 selector = IERC165.supportsInterface.selector;
            bytes4 interfaceId = type(ITransferPolicy).interfaceId;
            assembly ("memory-safe") {
                mstore(0x00, selector)
                mstore(0x04, interfaceId)
                let ok := staticcall(gas(), registry, 0x00, 0x24, 0x00, 0x20)
                on := and(and(ok, gt(returndatasize(), 0x1f)), eq(mload(0x00), 1))
            }
        }
        $.policyMode = on;
    }

    /// @dev Moves `amount` (<= source.balance, checked by callers) and emits Transfer.
    function _move(address from, address to, Account memory source, uint256 amount) private {
        EquityTokenStorage storage $ = _store();
        uint24 taken = _syncSnapshots($);
        _checkpoint($, from, source, taken);
        // unchecked: amount <= source.balance, and any balance plus amount <= totalSupply < 2**112.
        unchecked {
            source.balance -= uint112(amount);
        }
        // Written before the receiver is read: a self-transfer must see its own debit.
        _writeAccount($.accounts[from], source);
        _credit($, to, amount, taken);
        emit Transfer(from, to, amount);
    }

    /// @dev Adds `amount` to `to`'s balance (checkpointing it first if a snapshot was taken since it
    ///      last changed), updating the slot in place: cheaper than a struct round trip.
    function _credit(EquityTokenStorage storage $, address to, uint256 amount, uint24 taken) private {
        Account storage target = $.accounts[to];
        uint24 synced = target.snapshotSynced;
        if (synced < taken) target.snapshotSynced = $.balanceHistory[to].record(synced, taken, target.balance);
        // unchecked: any balance plus amount <= totalSupply < 2**112 (checked by every caller).
        unchecked {
            target.balance += uint112(amount);
        }
    }

    /// @dev One SSTORE for a whole account (Solidity writes a packed struct field by field).
    function _writeAccount(Account storage slot, Account memory account) private {
        uint256 word = uint256(account.balance) | (uint256(account.frozen) << 112)
            | (account.walletFrozen ? uint256(1) << 224 : 0) | (uint256(account.snapshotSynced) << 232);
        assembly ("memory-safe") {
            sstore(slot.slot, word)
        }
    }

    /// @dev Burns and forced transfers may take frozen tokens: unfreeze just the shortfall.
    function _unfreezeShortfall(address wallet, Account memory account, uint256 amount) private {
        // unchecked: frozen <= balance and amount <= balance (checked by callers).
        unchecked {
            uint256 free = account.balance - account.frozen;
            if (amount > free) {
                uint112 shortfall = uint112(amount - free);
                account.frozen -= shortfall;
                emit TokensUnfrozen(wallet, shortfall);
            }
        }
    }

    function _approve(address holder, address spender, uint256 amount) private {
        if (spender == address(0)) revert ERC20InvalidSpender(address(0));
        _store().allowances[holder][spender] = amount;
        emit Approval(holder, spender, amount);
    }

    /// @dev The EIP-712 domain name: the token's current name, so `permit` follows `setName`.
    function _EIP712Name() internal view override returns (string memory) {
        return _store().name;
    }

    function _requireNameAndSymbol(string calldata name_, string calldata symbol_) private pure {
        if (bytes(name_).length == 0) revert EquityTokenEmptyName();
        if (bytes(symbol_).length == 0) revert EquityTokenEmptySymbol();
    }

    function _requireSameLength(uint256 a, uint256 b) private pure {
        if (a != b) revert EquityTokenLengthMismatch(a, b);
    }

}
