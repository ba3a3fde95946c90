// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {OwnableUpgradeable} from "@openzeppelin/contracts-upgradeable/access/OwnableUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IModularCompliance} from "../interfaces/compliance/IModularCompliance.sol";
import {IComplianceModule, Movement, MovementKind} from "../interfaces/compliance/IComplianceModule.sol";
import {IERC3643} from "../interfaces/token/IERC3643.sol";
import {IIdentityRegistry} from "../interfaces/identity/IIdentityRegistry.sol";

/// @title ModularCompliance - the rule set of one ERC-3643 token, built from shared modules
/// @notice Only the owner binds the token (no contract can race to bind an unbound compliance) and
///         adds or removes modules (at most 25). The token reports each balance movement once
///         through `moved`, which makes a single pass over the modules: each checks (Transfer,
///         Mint) and records (every kind) in one call. The ERC-3643 hooks (`canTransfer`,
///         `transferred`, `created`, `destroyed`) are kept for integrators and T-REX-style tokens;
///         they resolve identities and countries through the token's identity registry themselves.
/// @dev Stateful modules start empty and follow every movement, so their state equals a
///      recomputation from balances only if they see every movement since the token had no
///      supply. Hence: a token with supply can only be bound while no module is bound, and the
///      token can only be unbound once every module is removed.
///      Abstract base shared by the stand-alone `ModularCompliance` (bottom of this file) and the
///      combined `TransferPolicy`; all state lives in its ERC-7201 namespace.
abstract contract ModularComplianceBase is IModularCompliance, Initializable, OwnableUpgradeable {
    /// @notice The documented cap on bound modules.
    uint256 public constant MAX_MODULES = 25;

    /// @dev `moved` forwards its own calldata: the selector and the 8-word static Movement.
    uint256 private constant MOVED_CALLDATA_SIZE = 4 + 8 * 32;

    /// @custom:storage-location erc7201:dualtrack.storage.ModularCompliance
    struct ModularComplianceStorage {
        // token and moduleCount share slot 0: `moved` reads both with one SLOAD.
        address token;
        uint8 moduleCount;
        // Fixed array: module i lives at slot 1 + i, no length slot or keccak on the hot path.
        address[25] modules;
        mapping(address module => bool bound) isModule;
    }

    // keccak256(abi.encode(uint256(keccak256("dualtrack.storage.ModularCompliance")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant MODULAR_COMPLIANCE_STORAGE =
        0x800392275e653a7652db02cd6e73e63305834204d03a726dd97b9080ddbe8300;

    /// @dev `owner_` binds the token and manages modules; must not be zero.
    function __ModularCompliance_init(address owner_) internal onlyInitializing {
        __Ownable_init(owner_);
    }

    // ---- Token binding ----

    /// @inheritdoc IModularCompliance
    /// @dev Owner only, so the token can never bind itself. If modules are already bound the token
    ///      must have no supply (their state starts empty); bind the token first otherwise.
    function bindToken(address token) external onlyOwner {
        if (token == address(0)) revert ModularComplianceZeroAddress();
        ModularComplianceStorage storage $ = _store();
        address bound = $.token;
        if (bound != address(0)) revert ModularComplianceTokenBinding(bound);
        if ($.moduleCount != 0) {
            // A token not deployed yet (predicted address) has no supply.
            uint256 supply = token.code.length == 0 ? 0 : IERC20(token).totalSupply();
            if (supply != 0) revert IComplianceModule.ComplianceModuleTokenNotEmpty(address(this), supply);
        }
        $.token = token;
        emit TokenBound(token);
    }

    /// @inheritdoc IModularCompliance
    /// @dev Owner only. Every module must be removed first, so that no module keeps the state of
    ///      one token while following another.
    function unbindToken(address token) external onlyOwner {
        ModularComplianceStorage storage $ = _store();
        if (token == address(0) || token != $.token) revert ModularComplianceTokenBinding(token);
        uint256 count = $.moduleCount;
        if (count != 0) revert ModularComplianceModulesBound(count);
        $.token = address(0);
        emit TokenUnbound(token);
    }

    // ---- Modules ----

    /// @inheritdoc IModularCompliance
    /// @dev Calls `module.bindCompliance(this)`; a stateful module reverts if the token has supply.
    function addModule(address module) external onlyOwner {
        if (module == address(0)) revert ModularComplianceZeroAddress();
        ModularComplianceStorage storage $ = _store();
        if ($.isModule[module]) revert ModularComplianceModuleAlreadyBound(module);
        uint256 count = $.moduleCount;
        if (count == MAX_MODULES) revert ModularComplianceCapReached(MAX_MODULES);
        $.modules[count] = module;
        // count < MAX_MODULES = 25 fits in uint8.
        $.moduleCount = uint8(count + 1);
        $.isModule[module] = true;
        IComplianceModule(module).bindCompliance(address(this));
        emit ModuleAdded(module);
    }

    /// @inheritdoc IModularCompliance
    /// @dev The last module takes the removed one's place. The module's `unbindCompliance` is
    ///      called but a failure is ignored, so a broken module can always be removed.
    function removeModule(address module) external onlyOwner {
        ModularComplianceStorage storage $ = _store();
        if (!$.isModule[module]) revert ModularComplianceModuleNotBound(module);
        uint256 last = $.moduleCount - 1;
        for (uint256 i; i < last; ++i) {
            if ($.modules[i] == module) {
                $.modules[i] = $.modules[last];
                break;
            }
        }
        delete $.modules[last];
        // last < MAX_MODULES fits in uint8.
        $.moduleCount = uint8(last);
        delete $.isModule[module];
        try IComplianceModule(module).unbindCompliance(address(this)) {} catch {}
        emit ModuleRemoved(module);
    }

    /// @inheritdoc IModularCompliance
    /// @dev Owner only; the module sees this compliance as `msg.sender`, which is how modules know
    ///      the compliance's owner configured them. A module's binding and recording functions
    ///      cannot be reached this way (they would desynchronise its state).
    function callModuleFunction(bytes calldata callData, address module) external onlyOwner {
        if (!_store().isModule[module]) revert ModularComplianceModuleNotBound(module);
        bytes4 selector = bytes4(callData);
        if (
            selector == IComplianceModule.moved.selector || selector == IComplianceModule.bindCompliance.selector
                || selector == IComplianceModule.unbindCompliance.selector
        ) revert ModularComplianceForbiddenCall(selector);
        (bool ok, bytes memory ret) = module.call(callData);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
        emit ModuleInteraction(module, selector);
    }

    // ---- Movements (token path) ----

    /// @inheritdoc IModularCompliance
    /// @dev Hot path of every token transfer: one SLOAD for token + count, one per module, and the
    ///      caller's calldata forwarded as is (`IComplianceModule.moved` has the same selector and
    ///      argument), so the Movement is never re-encoded. The modules decode and validate it.
    function moved(Movement calldata) external {
        ModularComplianceStorage storage $ = _store();
        uint256 head;
        assembly ("memory-safe") {
            head := sload($.slot) // token (bits 0..159) and moduleCount (bits 160..167)
        }
        if (msg.sender != address(uint160(head))) revert ModularComplianceNotToken(msg.sender);
        uint256 count = uint8(head >> 160);
        address[25] storage modules = $.modules;
        assembly ("memory-safe") {
            // Scratch memory past the free pointer; nothing else is allocated in this function.
            let ptr := mload(0x40)
            calldatacopy(ptr, 0, MOVED_CALLDATA_SIZE)
            let slot := modules.slot
            for { let i := 0 } lt(i, count) { i := add(i, 1) } {
                if iszero(call(gas(), sload(add(slot, i)), 0, ptr, MOVED_CALLDATA_SIZE, 0, 0)) {
                    returndatacopy(ptr, 0, returndatasize())
                    revert(ptr, returndatasize())
                }
            }
        }
    }

    /// @dev `moved` for a movement built in memory (TransferPolicy's `settle`): same checks and the
    ///      same single pass, the Movement encoded once past the free memory pointer.
    function _moved(Movement memory movement) internal {
        ModularComplianceStorage storage $ = _store();
        uint256 head;
        assembly ("memory-safe") {
            head := sload($.slot) // token (bits 0..159) and moduleCount (bits 160..167)
        }
        if (msg.sender != address(uint160(head))) revert ModularComplianceNotToken(msg.sender);
        uint256 count = uint8(head >> 160);
        address[25] storage modules = $.modules;
        bytes4 selector = IComplianceModule.moved.selector;
        assembly ("memory-safe") {
            // Scratch memory past the free pointer; nothing is allocated until this function returns.
            let ptr := mload(0x40)
            mstore(ptr, selector)
            // A memory struct of static members is 8 clean words: exactly the ABI encoding.
            for { let w := 0 } lt(w, 0x100) { w := add(w, 0x20) } {
                mstore(add(add(ptr, 0x04), w), mload(add(movement, w)))
            }
            let slot := modules.slot
            for { let i := 0 } lt(i, count) { i := add(i, 1) } {
                if iszero(call(gas(), sload(add(slot, i)), 0, ptr, MOVED_CALLDATA_SIZE, 0, 0)) {
                    returndatacopy(ptr, 0, returndatasize())
                    revert(ptr, returndatasize())
                }
            }
        }
    }

    /// @inheritdoc IModularCompliance
    function canMove(Movement calldata movement) external view returns (bool) {
        return _canMove(movement);
    }

    /// @inheritdoc IModularCompliance
    /// @dev The caller check reads the bound token's `identityRegistry()`, so only the registry the
    ///      token resolves its parties through (whose identities the modules key balances by) can
    ///      move balances between identities.
    function reattributeHolding(
        address wallet,
        address oldIdentity,
        uint16 oldCountry,
        address newIdentity,
        uint16 newCountry,
        uint256 amount
    ) external {
        address token = _store().token;
        if (token == address(0) || msg.sender != address(IERC3643(token).identityRegistry())) {
            revert ModularComplianceNotIdentityRegistry(msg.sender);
        }
        _reattribute(wallet, oldIdentity, oldCountry, newIdentity, newCountry, amount);
    }

    // ---- ERC-3643 compatibility (slower: resolves identities itself) ----

    /// @inheritdoc IModularCompliance
    /// @dev Records a Transfer movement; the modules re-check it, which passes whenever the token
    ///      asked `canTransfer` just before (so a T-REX-style forced transfer that breaks a rule
    ///      reverts here: use `moved` with kind Forced for those).
    function transferred(address from, address to, uint256 amount) external {
        _onlyToken();
        _dispatch(_resolve(MovementKind.Transfer, from, to, amount));
    }

    /// @inheritdoc IModularCompliance
    function created(address to, uint256 amount) external {
        _onlyToken();
        _dispatch(_resolve(MovementKind.Mint, address(0), to, amount));
    }

    /// @inheritdoc IModularCompliance
    function destroyed(address from, uint256 amount) external {
        _onlyToken();
        _dispatch(_resolve(MovementKind.Burn, from, address(0), amount));
    }

    /// @inheritdoc IModularCompliance
    /// @dev `from == 0` is a mint (T-REX tokens ask `canTransfer(0, to, amount)` before minting).
    ///      False while no token is bound (there is no identity registry to resolve parties).
    function canTransfer(address from, address to, uint256 amount) external view returns (bool) {
        if (_store().token == address(0)) return false;
        MovementKind kind = from == address(0) ? MovementKind.Mint : MovementKind.Transfer;
        return _canMove(_resolve(kind, from, to, amount));
    }

    // ---- Views ----

    /// @inheritdoc IModularCompliance
    function getModules() external view returns (address[] memory list) {
        ModularComplianceStorage storage $ = _store();
        uint256 count = $.moduleCount;
        list = new address[](count);
        for (uint256 i; i < count; ++i) {
            list[i] = $.modules[i];
        }
    }

    /// @inheritdoc IModularCompliance
    function getTokenBound() external view returns (address) {
        return _store().token;
    }

    /// @inheritdoc IModularCompliance
    function isModuleBound(address module) external view returns (bool) {
        return _store().isModule[module];
    }

    // ---- Internals ----

    /// @dev The bound token (zero when none).
    function _boundToken() internal view returns (address) {
        return _store().token;
    }

    function _onlyToken() private view {
        if (msg.sender != _store().token) revert ModularComplianceNotToken(msg.sender);
    }

    /// @dev Run the modules with the Rekey movement of `wallet`'s balance and emit `HoldingReattributed`
    ///      (no caller check: callers do it).
    function _reattribute(
        address wallet,
        address oldIdentity,
        uint16 oldCountry,
        address newIdentity,
        uint16 newCountry,
        uint256 amount
    ) internal {
        _dispatch(
            Movement({
                kind: MovementKind.Rekey,
                from: wallet,
                to: wallet,
                fromIdentity: oldIdentity,
                toIdentity: newIdentity,
                fromCountry: oldCountry,
                toCountry: newCountry,
                amount: amount
            })
        );
        emit HoldingReattributed(wallet, oldIdentity, newIdentity, amount);
    }

    /// @dev One pass over the modules with a movement built in memory (no caller check: callers do it).
    function _dispatch(Movement memory movement) internal {
        ModularComplianceStorage storage $ = _store();
        uint256 count = $.moduleCount;
        for (uint256 i; i < count; ++i) {
            IComplianceModule($.modules[i]).moved(movement);
        }
    }

    function _canMove(Movement memory movement) private view returns (bool) {
        ModularComplianceStorage storage $ = _store();
        uint256 count = $.moduleCount;
        for (uint256 i; i < count; ++i) {
            if (!IComplianceModule($.modules[i]).moduleCheck(movement, address(this))) return false;
        }
        return true;
    }

    /// @dev Builds a movement, resolving each non-zero wallet's identity and country through the
    ///      bound token's identity registry.
    function _resolve(MovementKind kind, address from, address to, uint256 amount)
        private
        view
        returns (Movement memory movement)
    {
        IIdentityRegistry registry = IERC3643(_store().token).identityRegistry();
        movement.kind = kind;
        movement.from = from;
        movement.to = to;
        movement.amount = amount;
        if (from != address(0)) {
            movement.fromIdentity = address(registry.identity(from));
            movement.fromCountry = registry.investorCountry(from);
        }
        if (to != address(0)) {
            movement.toIdentity = address(registry.identity(to));
            movement.toCountry = registry.investorCountry(to);
        }
    }

    function _store() private pure returns (ModularComplianceStorage storage s) {
        assembly {
            s.slot := MODULAR_COMPLIANCE_STORAGE
        }
    }
}

/// @title ModularCompliance - the stand-alone compliance behind its own SuiteProxy (see ModularComplianceBase)
contract ModularCompliance is ModularComplianceBase {
    constructor() {
        _disableInitializers();
    }

    /// @notice Initialize the proxy with its owner (who binds the token and manages modules).
    /// @param owner_ The owner; must not be zero.
    function initialize(address owner_) external initializer {
        __ModularCompliance_init(owner_);
    }
}
